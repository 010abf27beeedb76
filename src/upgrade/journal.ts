// The journal of one upgrade (.upgrading-NAME/journal.json): every step it
// takes, and how to take each back, written whole before the first change.
// While it says 'prepared', a dead upgrade is rolled back by recovery; 'done'
// (or no journal steps yet) means its work directory only has to go.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConflictError } from '../errors.js';
import type { Paths } from '../paths.js';
import { baseDir, baseHostPath, isOurs, recordHostPath, recordPath, UPGRADE_PARTS, upgradeDir, type UnitRole } from '../layout.js';
import type { Change } from '../apply/change.js';
import { writeFileAtomic, writeGenerated } from '../apply/atomic-write.js';
import { writeLinkAtomic } from '../apply/atomic-link.js';
import { removeGenerated } from '../apply/remove-generated.js';
import { removeInside } from '../apply/safe-remove.js';
import { mkdirIn, removeIn, renameIn, restoreIn, rmdirIn } from './inside.js';

export type Step =
  /** A directory of the tree the package's new file needs (rel: host view inside the tree). */
  | { kind: 'mkdir'; rel: string; uid: number; gid: number; mode: number }
  /** A staged file (or directory) renamed into the tree; backup: a hard link to what it replaced. */
  | { kind: 'tree'; rel: string; staged: string; backup?: string }
  | { kind: 'unit'; path: string; role: UnitRole; content: string; linkTo?: string; old?: { content: string; linkTo?: string } }
  /** The base swapped for the new one (old one kept in the work dir until the end). */
  | { kind: 'base' }
  | { kind: 'record'; content: string; old: string };

export interface Journal {
  pid: number;
  name: string;
  /** The tree (host view) and its file context: every file put into it gets the label. */
  tree: string;
  fileContext: string;
  phase: 'preparing' | 'prepared' | 'done';
  steps: Step[];
}

const journalPath = (paths: Paths, name: string) => path.join(upgradeDir(paths, name), UPGRADE_PARTS.journal);
const exists = (p: string) => fs.lstat(p).then(() => true, () => false);

/** The work directory is taken with one mkdir: a second upgrade of the same sandbox is refused. */
export async function takeUpgrade(paths: Paths, j: Journal): Promise<void> {
  try {
    await fs.mkdir(upgradeDir(paths, j.name), { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ConflictError(`another 'sandbox upgrade ${j.name}' is running`);
    throw e;
  }
  await writeJournal(paths, j);
}

export async function writeJournal(paths: Paths, j: Journal): Promise<void> {
  await writeFileAtomic(journalPath(paths, j.name), JSON.stringify(j) + '\n', 0o600);
}

export async function readJournal(paths: Paths, name: string): Promise<Journal | undefined> {
  try {
    return JSON.parse(await fs.readFile(journalPath(paths, name), 'utf8')) as Journal;
  } catch {
    return undefined;
  }
}

const work = (paths: Paths, j: Journal, part: string) => path.join(upgradeDir(paths, j.name), part);

export async function applyStep(paths: Paths, j: Journal, s: Step): Promise<void> {
  const tree = paths.host(j.tree);
  switch (s.kind) {
    case 'mkdir':
      await mkdirIn(tree, s.rel, s, j.fileContext);
      return;
    case 'tree':
      await renameIn(tree, s.rel, work(paths, j, s.staged));
      return;
    case 'unit':
      if (s.linkTo !== undefined) await writeLinkAtomic(paths.host(s.path), s.linkTo);
      else await writeGenerated(paths.host(s.path), s.content);
      return;
    case 'base': {
      const base = baseDir(paths, j.name);
      if (await exists(base)) await fs.rename(base, work(paths, j, UPGRADE_PARTS.oldBase));
      await fs.rename(work(paths, j, UPGRADE_PARTS.newBase), base);
      return;
    }
    case 'record':
      await writeFileAtomic(recordPath(paths, j.name), s.content);
      return;
  }
}

/** Takes a step back; safe to run on a step that was never taken or already taken back. The change it made, if any. */
export async function undoStep(paths: Paths, j: Journal, s: Step): Promise<Change | undefined> {
  const tree = paths.host(j.tree);
  const inTree = (rel: string) => path.posix.join(j.tree, rel);
  switch (s.kind) {
    case 'mkdir':
      return (await rmdirIn(tree, s.rel)) ? { kind: 'unlink', path: inTree(s.rel) } : undefined;
    case 'tree': {
      // Never taken: its staged copy is still waiting (every one is staged before the journal lists it). What the
      // sandbox wrote since the backup was linked is its own, not restored over.
      if (await exists(work(paths, j, s.staged))) return undefined;
      // A link planted on the way since: the step is left, not followed (inside.ts).
      if (s.backup !== undefined) {
        const backup = work(paths, j, s.backup);
        if ((await exists(backup)) && (await restoreIn(tree, s.rel, backup))) return { kind: 'write', path: inTree(s.rel), source: 'as before the upgrade' };
      } else if (await removeIn(tree, s.rel)) {
        // staged is gone: it was renamed into the tree, which now holds it
        return { kind: 'unlink', path: inTree(s.rel) };
      }
      return undefined;
    }
    case 'unit': {
      const file = paths.host(s.path);
      if (s.old?.linkTo !== undefined) {
        await writeLinkAtomic(file, s.old.linkTo);
        return { kind: 'symlink', path: s.path, source: s.old.linkTo };
      }
      if (s.old) {
        await writeGenerated(file, s.old.content);
        return { kind: 'write', path: s.path, source: 'as before the upgrade' };
      }
      if (await isOurs(file, s.role)) {
        await removeGenerated([paths.unitDir], file, s.role);
        return { kind: 'unlink', path: s.path };
      }
      return undefined;
    }
    case 'base': {
      const base = baseDir(paths, j.name);
      const newBase = work(paths, j, UPGRADE_PARTS.newBase);
      const oldBase = work(paths, j, UPGRADE_PARTS.oldBase);
      let changed = false;
      // The new base is in place once its staged copy is gone.
      if (!(await exists(newBase)) && (await exists(base))) changed = await removeInside([paths.stateDir], base);
      if (await exists(oldBase)) {
        await fs.rename(oldBase, base);
        changed = true;
      }
      return changed ? { kind: 'write', path: baseHostPath(j.name), source: 'as before the upgrade' } : undefined;
    }
    case 'record':
      await writeFileAtomic(recordPath(paths, j.name), s.old);
      return { kind: 'write', path: recordHostPath(j.name), source: 'as before the upgrade' };
  }
}

/** Every step taken back, newest first; a step that fails is reported and the rest still run. The changes made, in order. */
export async function undoSteps(paths: Paths, j: Journal, say: (s: string) => void): Promise<Change[]> {
  const changes: Change[] = [];
  for (const s of [...j.steps].reverse()) {
    try {
      const c = await undoStep(paths, j, s);
      if (c) changes.push(c);
    } catch (e) {
      say(`sandbox: could not take back an upgrade step of '${j.name}' (${s.kind}${'rel' in s ? ` ${s.rel}` : ''}): ${(e as Error).message}`);
    }
  }
  return changes;
}

/** The work directory goes: the upgrade is committed (or was rolled back). */
export async function dropUpgrade(paths: Paths, name: string): Promise<void> {
  await removeInside([paths.stateDir], upgradeDir(paths, name));
}

/** A dead upgrade: rolled back when its journal was complete, otherwise nothing had changed. The changes taking it back made, or undefined when there was nothing to take back. */
export async function recoverUpgrade(paths: Paths, name: string, say: (s: string) => void): Promise<Change[] | undefined> {
  const j = await readJournal(paths, name);
  const changes = j?.phase === 'prepared' ? await undoSteps(paths, j, say) : undefined;
  await dropUpgrade(paths, name);
  return changes;
}
