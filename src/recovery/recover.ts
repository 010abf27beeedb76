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
import { finishDelete, pendingDeletes } from '../delete/delete.js';
import { dropIntent, readIntent, type CreateIntent } from './intent.js';
import { pidAlive } from './pid-alive.js';
import { reclaimStaleLabels } from './stale-labels.js';
import { readJournal, recoverUpgrade } from '../upgrade/journal.js';

export interface RecoveryReport {
  finishedDeletes: string[];
  rolledBack: string[];
  completed: string[];
}

/** Temp files of atomic writes the killed create had begun (first, so a drop-in's directory can then go). */
async function removeTemps(paths: Paths, intent: CreateIntent | undefined): Promise<void> {
  for (const t of intent?.temps ?? []) await removeInside([paths.stateDir, paths.configDir, paths.unitDir], t).catch(() => undefined);
}

export async function rollBackCreate(paths: Paths, name: string, intent: CreateIntent | undefined, labels: LabelOps): Promise<void> {
  const owned = [paths.unitDir];
  await removeTemps(paths, intent);
  for (const f of intent?.files ?? []) await removeGenerated(owned, f.path, f.role).catch(() => undefined);
  await removeInside([paths.stateDir], stagingDir(paths, name));
  await removeInside([paths.stateDir], path.join(paths.stateDir, name)); // the tree
  await removeInside([paths.stateDir], manifestPath(paths, name));
  await removeBase(paths, baseDir(paths, name));
  await labels.release(name);
  await dropIntent(paths, name);
}

export async function recover(paths: Paths, labels: LabelOps, say: (s: string) => void): Promise<RecoveryReport> {
  const report: RecoveryReport = { finishedDeletes: [], rolledBack: [], completed: [] };
  for (const r of await pendingDeletes(paths)) {
    await finishDelete(paths, r, labels);
    report.finishedDeletes.push(r.name);
    say(`sandbox: finished the interrupted delete of '${r.name}'`);
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
      if (await recoverUpgrade(paths, e.name, say)) {
        report.rolledBack.push(e.name);
        say(`sandbox: rolled back the interrupted upgrade of '${e.name}' (restart it if it runs: its files and units are as before the upgrade)`);
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
      await rollBackCreate(paths, name, intent, labels);
      report.rolledBack.push(name);
      say(`sandbox: rolled back the interrupted ${intent?.op ?? 'create'} of '${name}'`);
    }
  }
  for (const name of await reclaimStaleLabels(paths)) {
    report.rolledBack.push(name);
    say(`sandbox: released the label of the interrupted create of '${name}'`);
  }
  return report;
}
