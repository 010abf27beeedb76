// The upgrade engine, one sandbox at a time: gather and plan (upgrade/gather,
// plan, resolve), stage everything beside the sandbox with its journal
// (prepare.ts), put it in place, and restart a running sandbox. If it does
// not come back (lifecycle/settle.ts' watch), every step is taken back and it
// is restarted as it was. Killed on the way, recovery takes the steps back.
import type { SandboxRecord } from '../config/record.js';
import { ExitCode, SandboxError } from '../errors.js';
import type { Paths } from '../paths.js';
import type { PlanContext } from '../create/plan.js';
import type { SystemdClient } from '../systemd/client.js';
import type { Change } from '../apply/change.js';
import { crashPoint } from '../apply/crash-point.js';
import { withInterruptGuard } from '../apply/interrupt.js';
import { runSandboxJobs } from '../lifecycle/jobs.js';
import { unitsOf } from '../lifecycle/sandboxes.js';
import { logEvent } from '../journal/write.js';
import { gatherUpgrade } from './gather.js';
import { resolveUpgrade } from './resolve.js';
import { isBehind } from './plan.js';
import { prepareSteps } from './prepare.js';
import { applyStep, dropUpgrade, takeUpgrade, undoSteps, writeJournal, type Journal } from './journal.js';

export interface UpgradeOutcome {
  name: string;
  changes: Change[];
  conflicts: string[];
  /** Nothing to do: the packages are as recorded and every file is as the package has it. */
  upToDate: boolean;
  restarted: boolean;
}

/** The upgrade was taken back: the sandbox is as before (and restarted), the command fails. */
export class RolledBackError extends SandboxError {
  constructor(message: string) {
    super(message, ExitCode.failure);
  }
}

async function isRunning(client: SystemdClient | undefined, r: SandboxRecord): Promise<boolean> {
  if (!client) return false;
  for (const u of unitsOf(r)) if ((await client.unitProperties(u)).activeState !== 'active') return false;
  return true;
}

export async function upgradeOne(
  paths: Paths,
  r: SandboxRecord,
  ctx: PlanContext,
  client: SystemdClient | undefined,
  opts: { dryRun: boolean; print: (line: string) => void },
): Promise<UpgradeOutcome> {
  const facts = await gatherUpgrade(paths, r, ctx, client);
  const plan = await resolveUpgrade(paths, facts);
  const outcome: UpgradeOutcome = { name: r.name, changes: plan.changes, conflicts: plan.conflicts, upToDate: false, restarted: false };
  if (!plan.changes.length && !isBehind(facts.drift)) return { ...outcome, upToDate: true };
  if (opts.dryRun) return outcome;
  const running = await isRunning(client, r);
  const j: Journal = { pid: process.pid, name: r.name, tree: r.tree, fileContext: r.fileContext, phase: 'preparing', steps: [] };
  await withInterruptGuard(async () => {
    await takeUpgrade(paths, j);
    try {
      j.steps = await prepareSteps(paths, j, facts, plan.actions);
      j.phase = 'prepared';
      await writeJournal(paths, j);
      crashPoint('upgrade:prepared');
      for (const s of j.steps) {
        await applyStep(paths, j, s);
        if (s.kind === 'base') crashPoint('upgrade:applied-files');
      }
      if (client) await client.daemonReload();
      crashPoint('upgrade:applied');
      if (running && !plan.conflicts.length) {
        const reports = await runSandboxJobs(paths, client!, 'restart', [r], opts.print);
        if (reports.some((x) => !x.ok)) await rollBack(paths, j, r, client!, opts.print);
        outcome.restarted = true;
      }
      j.phase = 'done';
      await writeJournal(paths, j);
    } catch (e) {
      if (j.phase === 'prepared' && !(e instanceof RolledBackError)) {
        await undoSteps(paths, j, opts.print);
        if (client) await client.daemonReload().catch(() => undefined);
      }
      throw e;
    } finally {
      await dropUpgrade(paths, r.name);
    }
  });
  for (const u of unitsOf(r)) {
    await logEvent(paths, { name: r.name, unit: u, label: r.label, action: 'upgrade', message: `sandbox ${r.name}: upgraded (${plan.changes.length} changes, ${plan.conflicts.length} conflicts)` });
  }
  return outcome;
}

/** The restart failed: every step back, systemd reloaded, the sandbox restarted as it was. */
async function rollBack(paths: Paths, j: Journal, r: SandboxRecord, client: SystemdClient, print: (line: string) => void): Promise<never> {
  await undoSteps(paths, j, print);
  j.phase = 'done';
  await writeJournal(paths, j);
  await client.daemonReload();
  const again = await runSandboxJobs(paths, client, 'restart', [r], print);
  const back = again.every((x) => x.ok) ? 'it runs again as before' : 'it did not start again either: see sandbox logs';
  throw new RolledBackError(`sandbox '${r.name}': the upgrade was rolled back: ${unitsOf(r).join(' ')} did not come back after the restart; its files and units are as before the upgrade and ${back}`);
}
