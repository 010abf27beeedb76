// The clone engine: a new label reserved, the plan made and carried out with
// create's all-or-nothing steps (create/apply.ts): the source's tree copied
// (copy-tree.ts) into a staging directory and labelled, published with one
// rename, then units, manifest and the record last. The source is only read.
import { promises as fs } from 'node:fs';
import type { ToolConfig } from '../config/tool-config.js';
import { baseDir, basesDir } from '../layout.js';
import { removeBase } from '../upgrade/base-copy.js';
import type { Paths } from '../paths.js';
import { applyNewSandbox, assertFree } from '../create/apply.js';
import { labelFor, openLabelSource } from '../create/reserve-label.js';
import { crashPoint } from '../apply/crash-point.js';
import { withInterruptGuard } from '../apply/interrupt.js';
import { labelTree } from '../payload/label.js';
import type { PlanNote } from '../payload/rules.js';
import { reclaimOwnLabels } from '../recovery/stale-labels.js';
import { logEvent } from '../journal/write.js';
import { copyTree } from './copy-tree.js';
import type { CloneFacts } from './gather.js';
import { cloneFill, planClone, type ClonePlan, type ClonePlanContext } from './plan.js';
import type { Change } from '../apply/change.js';

export interface CloneDone {
  plan: ClonePlan;
  /** What the copy left out: special files, other file systems, entries gone while it ran. */
  skipped: PlanNote[];
  /** What was made, in order: the plan's change list (clone/plan.ts' cloneChanges). */
  changes: Change[];
}

async function reserveAndApply(paths: Paths, config: ToolConfig, facts: CloneFacts, name: string, ctx: ClonePlanContext, say: (s: string) => void): Promise<CloneDone> {
  const label = await labelFor(await openLabelSource(paths, config), { name, security: { kind: 'dynamic' } }, { dryRun: false });
  crashPoint('clone:label-reserved');
  let plan: ClonePlan;
  try {
    plan = planClone(facts, name, label.planned, ctx);
    await assertFree(paths, plan);
  } catch (e) {
    await label.labels.release(name);
    throw e;
  }
  let skipped: PlanNote[] = [];
  const steps = cloneFill(plan);
  const changes = await applyNewSandbox(paths, plan, { progress: say, labels: label.labels }, {
    op: 'clone',
    fill: async (staging, undo) => {
      say(`Copying ${plan.source.tree} into ${plan.tree}`);
      undo.begin(...steps.copied);
      skipped = (await copyTree(paths.host(plan.source.tree), staging)).skipped;
      crashPoint('clone:copied');
      // The source's base (its package files as it was created from them) is the clone's merge ancestor too.
      if (plan.source.base !== undefined) {
        const base = baseDir(paths, name);
        await removeBase(paths, base);
        undo.begin(...steps.base);
        await fs.mkdir(basesDir(paths), { recursive: true, mode: 0o700 });
        await fs.mkdir(base, { mode: 0o700 });
        await copyTree(paths.host(plan.source.base), base);
      }
      say(`Labelling the tree ${plan.label.fileContext}`);
      undo.begin(...steps.labelled);
      await labelTree(staging, plan.label.fileContext);
      crashPoint('clone:labelled');
    },
  });
  return { plan, skipped, changes };
}

/** Clone facts.source as `name`; on failure nothing is left (and what a cut-short label write left is reclaimed now). */
export async function cloneSandbox(paths: Paths, config: ToolConfig, facts: CloneFacts, name: string, ctx: ClonePlanContext, say: (s: string) => void): Promise<CloneDone> {
  let done: CloneDone;
  try {
    done = await withInterruptGuard(() => reserveAndApply(paths, config, facts, name, ctx, say));
  } catch (e) {
    await reclaimOwnLabels(paths).catch(() => undefined);
    throw e;
  }
  const { plan } = done;
  for (const u of plan.units) {
    await logEvent(paths, { name, unit: u, label: plan.label.level, action: 'clone', message: `sandbox ${name}: cloned from ${plan.source.name} as ${u} with label ${plan.label.level}` });
  }
  return done;
}
