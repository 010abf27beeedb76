// recovery/: finishing or rolling back interrupted operations.
// The recovery room: every command that may change the host starts here, and
// leftovers of interrupted operations are rolled forward or back, what was
// done said on stderr. What lives here: create intents (intent.ts), the
// rollback of a dead create, finishing an interrupted delete, label
// reclamation (stale-labels.ts) and whether a writer still runs (pid-alive.ts).
// - a delete marker (.deleting-NAME.sandbox): the delete is finished;
// - a create (or clone) intent (.creating-NAME) whose process is dead: if the record was
//   written the create is complete (only the label commit and the intent are
//   left); otherwise everything the intent names is removed and the label freed;
// - a label reserved by a create killed before it wrote its intent: released;
// - an upgrade work dir (.upgrading-NAME) whose process is dead: its journal's
//   steps are taken back (upgrade/journal.ts), so the sandbox is as before it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../paths.js';
import { readRecord } from '../config/record.js';
import { removeInside } from '../apply/safe-remove.js';
import { removeGenerated } from '../apply/remove-generated.js';
import { baseDir, manifestPath, stagingDir, stateEntry } from '../layout.js';
import { removeBase } from '../upgrade/base-copy.js';
import type { LabelOps } from '../labels/ops.js';
import type { Change } from '../apply/change.js';
import { finishDelete, pendingDeletes } from '../delete/delete.js';
import { dropIntent, readIntent, type CreateIntent } from './intent.js';
import { pidAlive } from './pid-alive.js';
import { reclaimStaleLabels } from './stale-labels.js';
import { readJournal, recoverUpgrade } from '../upgrade/journal.js';

export interface RecoveryReport {
  finishedDeletes: string[];
  rolledBack: string[];
  completed: string[];
  /** What finishing deletes and rolling back creates removed, in order. */
  changes: Change[];
}

/** Says what recovery did, with the changes it made (the CLI prints them through the one formatter). */
export type RecoverySay = (message: string, changes?: Change[]) => void;

/** Temp files of atomic writes the killed create had begun (first, so a drop-in's directory can then go). */
async function removeTemps(paths: Paths, intent: CreateIntent | undefined): Promise<void> {
  for (const t of intent?.temps ?? []) await removeInside([paths.stateDir, paths.configDir, paths.unitDir], t).catch(() => undefined);
}

/** Everything a dead create (or clone) may have left goes; returns what was there to remove. */
export async function rollBackCreate(paths: Paths, name: string, intent: CreateIntent | undefined, labels: LabelOps): Promise<Change[]> {
  const owned = [paths.unitDir];
  const removed: Change[] = [];
  const gone = (done: boolean, p: string) => done && removed.push({ kind: 'unlink', path: paths.unhost(p) });
  await removeTemps(paths, intent);
  for (const f of intent?.files ?? []) gone(await removeGenerated(owned, f.path, f.role).catch(() => false), f.path);
  for (const p of [stagingDir(paths, name), path.join(paths.stateDir, name), manifestPath(paths, name)]) gone(await removeInside([paths.stateDir], p), p);
  gone(await removeBase(paths, baseDir(paths, name)), baseDir(paths, name));
  await labels.release(name);
  await dropIntent(paths, name);
  return removed;
}

export async function recover(paths: Paths, labels: LabelOps, say: RecoverySay): Promise<RecoveryReport> {
  const report: RecoveryReport = { finishedDeletes: [], rolledBack: [], completed: [], changes: [] };
  for (const r of await pendingDeletes(paths)) {
    const removed = await finishDelete(paths, r, labels);
    report.finishedDeletes.push(r.name);
    report.changes.push(...removed);
    say(`sandbox: finished the interrupted delete of '${r.name}'`, removed);
  }
  for (const n of await fs.readdir(paths.stateDir).catch(() => [] as string[])) {
    const e = stateEntry(n);
    if (e.kind === 'intent-temp') {
      if (!pidAlive(e.pid)) await removeInside([paths.stateDir], path.join(paths.stateDir, n));
      continue;
    }
    if (e.kind === 'upgrade') {
      const j = await readJournal(paths, e.name);
      if (j && pidAlive(j.pid)) continue;
      const undone = await recoverUpgrade(paths, e.name, say);
      if (undone) {
        report.rolledBack.push(e.name);
        report.changes.push(...undone);
        say(`sandbox: rolled back the interrupted upgrade of '${e.name}' (restart it if it runs: its files and units are as before the upgrade)`, undone);
      }
      continue;
    }
    if (e.kind !== 'intent') continue;
    const name = e.name;
    const intent = await readIntent(path.join(paths.stateDir, n));
    if (intent && pidAlive(intent.pid)) continue;
    if (await readRecord(paths, name)) {
      await removeTemps(paths, intent);
      await labels.commit(name);
      await dropIntent(paths, name);
      report.completed.push(name);
    } else {
      const removed = await rollBackCreate(paths, name, intent, labels);
      report.rolledBack.push(name);
      report.changes.push(...removed);
      say(`sandbox: rolled back the interrupted ${intent?.op ?? 'create'} of '${name}'`, removed);
    }
  }
  for (const name of await reclaimStaleLabels(paths)) {
    report.rolledBack.push(name);
    say(`sandbox: released the label of the interrupted create of '${name}'`);
  }
  return report;
}
