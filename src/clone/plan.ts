// The pure half of clone: the source's facts + the new name + its label →
// the clone's units, record and what is said about what is not copied.
// Limits, profile, network and D-Bus are the source's; published host ports
// are not (two sandboxes cannot listen on one host port); a static label is
// not (a label is one sandbox's): the clone gets a label of its own.
import path from 'node:path';
import { SandboxError } from '../errors.js';
import type { SandboxRecord } from '../config/record.js';
import { DEFAULT_STATE_DIR, DEFAULT_UNIT_DIR } from '../paths.js';
import { baseHostPath, instanceName, profileLinkPath, SANDBOX_DROPIN, sandboxDropInPath, treeOf } from '../layout.js';
import { renderDropIn, type GeneratedFile, type ServiceFacts } from '../generate/units.js';
import { readBindPathItem } from '../generate/unit-values.js';
import { parseProfile, profileFile } from '../generate/profiles.js';
import { parseUnitFile } from '../unitfile/index.js';
import { limitsFiles } from '../limits/units.js';
import type { NewSandbox, PlannedLabel } from '../create/plan.js';
import type { CloneFacts, SourceUnit } from './gather.js';
import type { Change } from '../apply/change.js';
import { labelChange, newSandboxChanges } from '../create/changes.js';

export interface ClonePlan extends NewSandbox {
  /** The source's name and host tree (and base, when it has one): copied, never changed. */
  source: { name: string; tree: string; base?: string };
  /** The systemd units that run the clone. */
  units: string[];
  /** The source's published ports, [ADDR:]HOSTPORT:PORT: not given to the clone. */
  droppedPorts: string[];
  /** One line each: what the clone does not get from the source, and why. */
  notes: string[];
}

export interface ClonePlanContext {
  version: string;
  now: Date;
}

/** The host paths the source's drop-in binds from its tree (BindPaths=TREE/P:P), in its order. */
export function boundPathsOf(dropIn: string, tree: string, file = SANDBOX_DROPIN): string[] {
  const out: string[] = [];
  for (const item of parseUnitFile(dropIn, file).getAll('Service', 'BindPaths')) {
    const pair = readBindPathItem(item);
    if (pair === undefined) {
      // The host's D-Bus (create --allow-dbus) is the record's dbus=, not a path of the tree.
      if (item.startsWith('-/')) continue;
      throw new SandboxError(`${file}: cannot read BindPaths=${item}; it is not what sandbox writes, refusing to clone`);
    }
    const [source, dest] = pair;
    if (source !== path.posix.join(tree, dest)) throw new SandboxError(`${file}: BindPaths=${item} does not bind ${tree}${dest}, refusing to clone`);
    out.push(dest);
  }
  return out;
}

function unitFiles(u: SourceUnit, r: SandboxRecord, name: string, label: PlannedLabel, ctx: ClonePlanContext): GeneratedFile[] {
  const tree = treeOf(name);
  const service: ServiceFacts = {
    unit: u.unit,
    source: '',
    vendorTemplate: u.instanceBody !== undefined,
    unitDir: DEFAULT_UNIT_DIR,
    stateDir: DEFAULT_STATE_DIR,
    version: ctx.version,
  };
  const profile = parseProfile(r.profile || undefined);
  const files: GeneratedFile[] = [];
  // The body names no instance (systemd's %i does): the source's is the clone's.
  if (u.instanceBody !== undefined) files.push({ path: path.posix.join(DEFAULT_UNIT_DIR, instanceName(u.unit, name)), content: u.instanceBody, role: 'service' });
  const boundPaths = boundPathsOf(u.dropIn, r.tree, sandboxDropInPath(DEFAULT_UNIT_DIR, u.unit, r.name));
  const instance = { name, processContext: label.processContext, network: r.network, boundPaths, tree, profile, allowDbus: r.dbus === 'host' };
  files.push({ path: sandboxDropInPath(DEFAULT_UNIT_DIR, u.unit, name), content: renderDropIn(service, instance), role: 'dropin' });
  files.push({ path: profileLinkPath(DEFAULT_UNIT_DIR, u.unit, name), content: '', role: 'profile', linkTo: profileFile(profile) });
  return files;
}

export function planClone(facts: CloneFacts, name: string, label: PlannedLabel, ctx: ClonePlanContext): ClonePlan {
  const r = facts.source;
  if (name === r.name) throw new SandboxError(`a sandbox cannot be cloned onto itself`);
  const files = facts.units.flatMap((u) => unitFiles(u, r, name, label, ctx));
  for (const f of limitsFiles(DEFAULT_UNIT_DIR, ctx.version, name, r.units, r.limits ?? {})) files.push({ path: f.path, content: f.content, role: 'dropin' });
  const record: SandboxRecord = {
    ...r,
    name,
    label: label.level,
    processContext: label.processContext,
    fileContext: label.fileContext,
    tree: treeOf(name),
    profile: parseProfile(r.profile || undefined),
    publish: [],
    security: 'dynamic',
    created: ctx.now.toISOString(),
    version: ctx.version,
  };
  const droppedPorts = r.publish ?? [];
  const notes: string[] = [];
  if (droppedPorts.length) notes.push(`the published ports of '${r.name}' (${droppedPorts.join(' ')}) are not copied: a host port serves one sandbox; publish the clone's with 'sandbox publish ${name} HOSTPORT:PORT'`);
  if (r.security === 'static') notes.push(`'${r.name}' has a static label; the clone gets a label of its own`);
  for (const f of facts.notCopied) notes.push(`${f} is not copied (not a file sandbox makes for a clone)`);
  return { name, tree: record.tree, label, files, record, units: r.units.map((u) => instanceName(u, name)), source: { name: r.name, tree: r.tree, ...(facts.hasBase ? { base: baseHostPath(r.name) } : {}) }, droppedPorts, notes };
}

/** clone's fill, step by step: the source's tree copied, its base (if any) copied as the clone's, the tree labelled. */
export function cloneFill(plan: ClonePlan): { copied: Change[]; base: Change[]; labelled: Change[] } {
  const base = baseHostPath(plan.name);
  const from = plan.source.base;
  return {
    copied: [{ kind: 'copy', path: plan.tree, source: plan.source.tree }],
    base: from === undefined ? [] : [{ kind: 'mkdir', path: base }, { kind: 'copy', path: base, source: from }],
    labelled: [labelChange(plan)],
  };
}

/** The clone's change list, as apply makes it (create/changes.ts). */
export function cloneChanges(plan: ClonePlan): Change[] {
  const f = cloneFill(plan);
  return newSandboxChanges(plan, [f.copied, f.base, f.labelled]);
}
