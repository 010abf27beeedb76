// The create engine: carrying out the create command: each sandbox of the batch in turn (its
// label reserved, its plan applied, its journal entry), then one daemon-reload.
import { isSandboxError } from '../errors.js';
import type { ToolConfig } from '../config/tool-config.js';
import { applyCreate, assertFree } from './apply.js';
import { batchError } from './batch.js';
import type { CreateFacts } from './gather.js';
import { planCreate, type CreatePlan, type PlanContext } from './plan.js';
import type { CreateRequest } from './request.js';
import { labelFor, openLabelSource, type LabelSource } from './reserve-label.js';
import { logEvent } from '../journal/write.js';
import type { SystemdClient } from '../systemd/client.js';
import type { Paths } from '../paths.js';
import { crashPoint } from '../apply/crash-point.js';
import type { Change } from '../apply/change.js';
import { note } from '../output/note.js';
import { hostError } from '../apply/host-error.js';
import { withInterruptGuard } from '../apply/interrupt.js';
import { reclaimOwnLabels } from '../recovery/stale-labels.js';

/** Reserve the label, plan, and carry the plan out; on failure nothing is left but what reclaimOwnLabels cleans. */
async function reserveAndApply(paths: Paths, labels: LabelSource, req: CreateRequest, facts: CreateFacts, ctx: PlanContext): Promise<Created> {
  const label = await labelFor(labels, req, { dryRun: false });
  // Reserved, but no intent names the sandbox yet: recovery must still free it.
  crashPoint('create:label-reserved');
  let plan: CreatePlan;
  try {
    // The plan refuses bad --copy/--exclude paths: the label must not stay reserved then.
    plan = planCreate(req, facts, label.planned, ctx);
    await assertFree(paths, plan);
  } catch (e) {
    await label.labels.release(req.name);
    throw e;
  }
  let last = 0;
  const changes = await applyCreate(paths, plan, {
    progress: note,
    onCopy: (p) => {
      if (process.stderr.isTTY && Date.now() - last > 200) {
        last = Date.now();
        process.stderr.write(`\r  copied ${p.done}/${p.total} ${p.path}`.slice(0, 100).padEnd(100) + (p.done === p.total ? '\n' : ''));
      }
    },
    labels: label.labels,
  });
  return { plan, changes };
}

/** Create one sandbox of the batch; the daemon-reload is left to the caller. */
async function createOne(paths: Paths, labels: LabelSource, req: CreateRequest, facts: CreateFacts, ctx: PlanContext): Promise<Created> {
  let done: Created;
  try {
    done = await reserveAndApply(paths, labels, req, facts, ctx);
  } catch (e) {
    // What a label write cut short by a full disk left (a temp file, a half-made
    // reservation) goes now, not at the next command.
    await reclaimOwnLabels(paths).catch(() => undefined);
    throw e;
  }
  const { plan } = done;
  for (const u of plan.units) {
    await logEvent(paths, { name: plan.name, unit: u, label: plan.label.level, action: 'create', message: `sandbox ${plan.name}: created ${u} with label ${plan.label.level}` });
  }
  return done;
}

/** A sandbox made: its plan and the changes made, in order (create/changes.ts' list). */
export interface Created {
  plan: CreatePlan;
  changes: Change[];
}

/** Each name in turn (batch.ts says what a failure leaves), `report`ed as it is made; one daemon-reload for all that were created. */
export async function createAll(
  paths: Paths,
  config: ToolConfig,
  reqs: CreateRequest[],
  facts: CreateFacts,
  ctx: PlanContext,
  client: SystemdClient | undefined,
  report: (done: Created) => void,
): Promise<CreatePlan[]> {
  const plans: CreatePlan[] = [];
  try {
    await withInterruptGuard(() => createEach(paths, config, reqs, facts, ctx, plans, report));
  } finally {
    if (client && plans.length) {
      note(`Reloading systemd (${plans.length} new sandbox${plans.length === 1 ? '' : 'es'})`);
      await client.daemonReload();
    }
  }
  return plans;
}

/** Creates each sandbox in turn into plans; the first failure stops the batch (batch.ts). */
async function createEach(paths: Paths, config: ToolConfig, reqs: CreateRequest[], facts: CreateFacts, ctx: PlanContext, plans: CreatePlan[], report: (done: Created) => void): Promise<void> {
  const names = reqs.map((r) => r.name);
  // Opened once for the batch (labels/holders.ts says why that is safe), in the first one's try: its errors are that sandbox's.
  let labels: LabelSource | undefined;
  for (const req of reqs) {
    try {
      labels ??= await openLabelSource(paths, config);
      const done = await createOne(paths, labels, req, facts, ctx);
      plans.push(done.plan);
      report(done);
    } catch (e) {
      const err = hostError(e);
      if (!isSandboxError(err)) {
        if (plans.length) note(`sandbox: created before the internal error: ${plans.map((p) => p.name).join(' ')}`);
        throw err;
      }
      throw batchError(names, req.name, plans.map((p) => p.name), err);
    }
  }
}
