// The change list of a new sandbox (create or clone), from its plan alone, in
// the order apply makes them: --dry-run and --json print it, apply reports
// these same values as it goes, and a failed apply undoes them (apply/undo.ts).
import path from 'node:path';
import type { Change } from '../apply/change.js';
import type { GeneratedFile } from '../generate/units.js';
import { baseHostPath, manifestHostPath, recordHostPath } from '../layout.js';
import type { CreatePlan, NewSandbox } from './plan.js';

const inside = (dir: string, p: string) => path.posix.join(dir, p);

export function unitFileChange(f: GeneratedFile): Change {
  return f.linkTo !== undefined ? { kind: 'symlink', path: f.path, source: f.linkTo } : { kind: 'write', path: f.path };
}

export const treeChange = (plan: NewSandbox): Change => ({ kind: 'mkdir', path: plan.tree });
export const manifestChange = (plan: NewSandbox): Change => ({ kind: 'write', path: manifestHostPath(plan.name) });
export const recordChange = (plan: NewSandbox): Change => ({ kind: 'write', path: recordHostPath(plan.name) });

/** Every new sandbox: its tree, the fill's steps in order, then its manifest, units and record (the record last). */
export function newSandboxChanges(plan: NewSandbox, fill: Change[][]): Change[] {
  return [treeChange(plan), ...fill.flat(), manifestChange(plan), ...plan.files.map(unitFileChange), recordChange(plan)];
}

export function labelChange(plan: NewSandbox): Change {
  return { kind: 'label', path: plan.tree, source: plan.label.fileContext };
}

/** create's fill, step by step: the payload copied, its base kept, the units' directories made, the tree labelled. */
export function createFill(plan: CreatePlan): { copied: Change[]; base: Change[]; made: Change[]; labelled: Change[] } {
  const base = baseHostPath(plan.name);
  return {
    copied: plan.payload.entries.map((e) => ({ kind: 'copy', path: inside(plan.tree, e.path), source: e.path })),
    base: [{ kind: 'mkdir', path: base }, ...plan.base.map((p): Change => ({ kind: 'copy', path: inside(base, p), source: p }))],
    made: plan.create.map((d) => ({ kind: d.file ? 'write' : 'mkdir', path: inside(plan.tree, d.path) })),
    labelled: [labelChange(plan)],
  };
}

export function createChanges(plan: CreatePlan): Change[] {
  const f = createFill(plan);
  return newSandboxChanges(plan, [f.copied, f.base, f.made, f.labelled]);
}
