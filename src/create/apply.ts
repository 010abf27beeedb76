// Carries out a create plan. The tree is built in a staging directory on the
// same file system and published with one rename; units follow; the record is
// written last and is the commit point. Each change of the plan's list
// (create/changes.ts) is noted as it is begun; any failure (or SIGINT/SIGTERM)
// takes them back (apply/undo.ts): nothing is left half-made, and the label is released.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConflictError } from '../errors.js';
import type { Paths } from '../paths.js';
import { serializeRecord } from '../config/record.js';
import { baseDir, baseHostPath, instanceName, isShippedLink, manifestHostPath, manifestPath, recordHostPath, recordPath, stagingDir, tempPathOf } from '../layout.js';
import type { LabelOps } from '../labels/ops.js';
import { dropIntent, takeIntent, type CreateIntent } from '../recovery/intent.js';
import { copyPlan, type CopyProgress } from '../payload/copy.js';
import { labelTree } from '../payload/label.js';
import { buildManifest, formatManifest } from '../payload/manifest.js';
import { assertReplaceable, writeFileAtomic, writeGenerated } from '../apply/atomic-write.js';
import { removeGenerated } from '../apply/remove-generated.js';
import { removeInside } from '../apply/safe-remove.js';
import { writeLinkAtomic } from '../apply/atomic-link.js';
import { Undo, type UndoOf } from '../apply/undo.js';
import type { Change } from '../apply/change.js';
import { mkdirInside } from '../apply/mkdir-inside.js';
import type { CreatePlan, NewSandbox } from './plan.js';
import { createFill, manifestChange, recordChange, treeChange, unitFileChange } from './changes.js';
import { crashPoint } from '../apply/crash-point.js';
import { copyBase, removeBase } from '../upgrade/base-copy.js';
import { allOrFirstError } from '../settled.js';

export interface ApplyHooks {
  progress?: (message: string) => void;
  onCopy?: (p: CopyProgress) => void;
  /** commit after the record is written (the label becomes permanent); release is the undo of the reservation. */
  labels: LabelOps;
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}

/** Nothing of the sandbox may exist yet. */
export async function assertFree(paths: Paths, plan: NewSandbox): Promise<void> {
  if (await exists(recordPath(paths, plan.name))) throw new ConflictError(`sandbox '${plan.name}' already exists`);
  if (await exists(paths.host(plan.tree))) {
    throw new ConflictError(`${paths.host(plan.tree)} already exists but no sandbox '${plan.name}' is recorded; 'sandbox doctor --repair' cleans it up`);
  }
  for (const f of plan.files) {
    const file = paths.host(f.path);
    // Files of this instance must be new; shared ones (template body, target) may be ours already.
    if (plan.record.units.some((u) => f.path.includes(instanceName(u, plan.name)))) {
      if (await exists(file)) throw new ConflictError(`${file} already exists, refusing to replace it`);
    } else if (f.role === 'link') {
      // a shipped template, linked once for every sandbox: ours when it is such a link
      if ((await fs.lstat(file).catch(() => undefined)) && !(await isShippedLink(file))) throw new ConflictError(`${file} exists and was not made by sandbox, refusing to replace it`);
    } else {
      await assertReplaceable(file);
    }
    // An instance file of the sandbox's unit name that we do not write would take
    // the place of our template for this instance: the service would run unconfined.
    if (f.role === 'dropin') {
      const instance = path.join(path.dirname(path.dirname(f.path)), path.basename(path.dirname(f.path)).replace(/\.d$/, ''));
      if (!plan.files.some((g) => g.path === instance) && (await exists(paths.host(instance)))) {
        throw new ConflictError(`${paths.host(instance)} already exists and would replace the sandbox's unit, refusing`);
      }
    }
  }
}

/** The cheap check, before a label is reserved: is a sandbox of this name recorded? */
export async function nameTaken(paths: Paths, name: string): Promise<boolean> {
  return exists(recordPath(paths, name));
}

/** How the staging tree of a new sandbox is filled (copied and labelled), and what says so. */
export interface TreeFill {
  /** Names the operation in crash points and in the intent recovery reads ('create' or 'clone'). */
  op: 'create' | 'clone';
  /** Notes on `undo` each planned change of the fill as it begins it (create/changes.ts), in the planned order. */
  fill: (staging: string, undo: Undo) => Promise<void>;
}

/** Carries out a create plan; returns its changes as made (the planned list: create/changes.ts). */
export async function applyCreate(paths: Paths, plan: CreatePlan, hooks: ApplyHooks): Promise<Change[]> {
  const say = hooks.progress ?? (() => {});
  const steps = createFill(plan);
  return applyNewSandbox(paths, plan, hooks, {
    op: 'create',
    fill: async (staging, undo) => {
      say(`Copying ${plan.payload.entries.length} paths of ${plan.record.packages.join(', ')} into ${plan.tree}`);
      undo.begin(...steps.copied);
      // The base is the merge ancestor of a later upgrade, where the sandbox cannot
      // write it. Both read the host only: the two copies run side by side.
      const base = baseDir(paths, plan.name);
      undo.begin(...steps.base);
      await allOrFirstError([
        copyPlan(paths, { entries: plan.payload.entries, excludes: plan.payload.excludes }, staging, { onProgress: hooks.onCopy }),
        removeBase(paths, base).then(() => copyBase(paths, plan.base, base)),
      ]);
      crashPoint('create:copied');
      undo.begin(...steps.made);
      for (const d of plan.create) await mkdirInside(staging, d.path, d);
      say(`Labelling the tree ${plan.label.fileContext}`);
      undo.begin(...steps.labelled);
      await labelTree(staging, plan.label.fileContext);
      crashPoint('create:labelled');
    },
  });
}

/**
 * How each change of a new sandbox is taken back. The tree goes whole, in
 * staging or published (what was copied into it and its label go with it),
 * the base whole; a unit file only if the intent says it is new.
 */
function undoNewSandbox(paths: Paths, plan: NewSandbox, intent: CreateIntent): UndoOf {
  const owned = [paths.stateDir, paths.configDir, paths.unitDir];
  return (c) => {
    const file = paths.host(c.path);
    if (c.kind === 'mkdir' && c.path === plan.tree) {
      return async () => {
        await removeInside([paths.stateDir], file);
        await removeInside([paths.stateDir], stagingDir(paths, plan.name));
      };
    }
    if (c.kind === 'mkdir' && c.path === baseHostPath(plan.name)) return () => removeBase(paths, file);
    if (c.path === manifestHostPath(plan.name)) return () => removeInside([paths.stateDir], file);
    if (c.path === recordHostPath(plan.name)) return () => removeInside([paths.configDir], file);
    const made = intent.files.find((f) => f.path === file);
    return made && (() => removeGenerated(owned, file, made.role));
  };
}

/** Runs one step of a rollback that is not a change (the intent, the label), saying so if it fails. */
async function alsoUndo(what: string, fn: () => Promise<unknown>): Promise<void> {
  await fn().catch((e: Error) => process.stderr.write(`sandbox: could not undo ${what}: ${e.message}\n`));
}

/**
 * The all-or-nothing part create and clone share: the intent, the staging
 * directory filled by `how`, the tree published with one rename, the
 * manifest, the units, and the record last (the commit point). Returns the
 * changes made, in order; on failure they are undone newest first, then the
 * intent and the label reservation go.
 */
export async function applyNewSandbox(paths: Paths, plan: NewSandbox, hooks: ApplyHooks, how: TreeFill): Promise<Change[]> {
  const op = how.op;
  let undo: Undo | undefined;
  try {
    await fs.mkdir(paths.stateDir, { recursive: true, mode: 0o711 });
    await fs.mkdir(paths.configDir, { recursive: true, mode: 0o755 });
    const written = [manifestPath(paths, plan.name), ...plan.files.map((f) => paths.host(f.path)), recordPath(paths, plan.name)];
    const intent: CreateIntent = { pid: process.pid, name: plan.name, files: [], temps: written.map((f) => tempPathOf(f)), ...(op === 'clone' ? { op } : {}) };
    for (const f of plan.files) if (!(await exists(paths.host(f.path)))) intent.files.push({ path: paths.host(f.path), role: f.role });
    await takeIntent(paths, intent);
    undo = new Undo(undoNewSandbox(paths, plan, intent));
    const staging = stagingDir(paths, plan.name);
    // We hold the intent, so a staging dir of this name is a dead create's (or a
    // planted link): removed without following it, never built into.
    await removeInside([paths.stateDir], staging);
    undo.begin(treeChange(plan));
    await fs.mkdir(staging, { mode: 0o700 });
    crashPoint(`${op}:staging`);

    await how.fill(staging, undo);
    const manifest = formatManifest(await buildManifest(staging));

    await fs.rename(staging, paths.host(plan.tree));
    crashPoint(`${op}:published-tree`);
    undo.begin(manifestChange(plan));
    await writeFileAtomic(manifestPath(paths, plan.name), manifest, 0o600);

    for (const f of plan.files) {
      // Noted before the write: a write that fails (a full disk) may leave the drop-in's new directory.
      undo.begin(unitFileChange(f));
      if (f.linkTo !== undefined) await writeLinkAtomic(paths.host(f.path), f.linkTo);
      else await writeGenerated(paths.host(f.path), f.content);
      crashPoint(`${op}:wrote-${f.role}`);
    }
    // Undone first if the label commit fails (a full disk): a failed create leaves no record.
    undo.begin(recordChange(plan));
    await writeFileAtomic(recordPath(paths, plan.name), serializeRecord(plan.record));
    crashPoint(`${op}:recorded`);
    await hooks.labels.commit(plan.name);
    await dropIntent(paths, plan.name);
    return [...undo.applied];
  } catch (e) {
    if (undo) {
      await undo.rollback();
      await alsoUndo('intent', () => dropIntent(paths, plan.name));
    }
    await alsoUndo('label reservation', () => hooks.labels.release(plan.name));
    throw e;
  }
  // The daemon-reload is the caller's: a batch does one for all its sandboxes.
}
