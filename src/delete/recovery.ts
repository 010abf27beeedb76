// Every command starts here: leftovers of interrupted operations are rolled
// forward or back, and what was done is said on stderr.
// - a delete marker (.deleting-NAME.sandbox): the delete is finished;
// - a create intent (.creating-NAME) whose process is dead: if the record was
//   written the create is complete (only the label commit and the intent are
//   left); otherwise everything the intent names is removed and the label freed;
// - a label reserved by a create killed before it wrote its intent: released
//   (stale-labels.ts).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../paths.js';
import { readRecord } from '../config/record.js';
import { removeInside } from '../apply/safe-remove.js';
import type { CreateIntent } from '../create/apply.js';
import { removeGenerated } from '../apply/remove-generated.js';
import { intentPath, manifestPath, stagingDir, stateEntry } from '../layout.js';
import { finishDelete, pendingDeletes } from './delete.js';
import { pidAlive, reclaimStaleLabels } from './stale-labels.js';

export interface LabelHooks {
  release(name: string): Promise<void>;
  commit(name: string): Promise<void>;
}

export interface RecoveryReport {
  finishedDeletes: string[];
  rolledBack: string[];
  completed: string[];
}

export async function readIntent(file: string): Promise<CreateIntent | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as CreateIntent;
  } catch {
    // An intent cut short by a crash while it was written: nothing after it happened.
    return undefined;
  }
}

/** Temp files of atomic writes the killed create had begun (first, so a drop-in's directory can then go). */
async function removeTemps(paths: Paths, intent: CreateIntent | undefined): Promise<void> {
  for (const t of intent?.temps ?? []) await removeInside([paths.stateDir, paths.configDir, paths.unitDir], t).catch(() => undefined);
}

export async function rollBackCreate(paths: Paths, name: string, intent: CreateIntent | undefined, labels: LabelHooks): Promise<void> {
  const owned = [paths.unitDir];
  await removeTemps(paths, intent);
  for (const f of intent?.files ?? []) await removeGenerated(owned, f.path, f.role).catch(() => undefined);
  await removeInside([paths.stateDir], stagingDir(paths, name));
  await removeInside([paths.stateDir], path.join(paths.stateDir, name)); // the tree
  await removeInside([paths.stateDir], manifestPath(paths, name));
  await labels.release(name);
  await removeInside([paths.stateDir], intentPath(paths, name));
}

export async function recover(paths: Paths, labels: LabelHooks, say: (s: string) => void): Promise<RecoveryReport> {
  const report: RecoveryReport = { finishedDeletes: [], rolledBack: [], completed: [] };
  for (const r of await pendingDeletes(paths)) {
    await finishDelete(paths, r, (n) => labels.release(n));
    report.finishedDeletes.push(r.name);
    say(`sandbox: finished the interrupted delete of '${r.name}'`);
  }
  for (const n of await fs.readdir(paths.stateDir).catch(() => [] as string[])) {
    const e = stateEntry(n);
    if (e.kind === 'intent-temp') {
      if (!pidAlive(e.pid)) await removeInside([paths.stateDir], path.join(paths.stateDir, n));
      continue;
    }
    if (e.kind !== 'intent') continue;
    const name = e.name;
    const intent = await readIntent(path.join(paths.stateDir, n));
    if (intent && pidAlive(intent.pid)) continue;
    if (await readRecord(paths, name)) {
      await removeTemps(paths, intent);
      await labels.commit(name);
      await removeInside([paths.stateDir], intentPath(paths, name));
      report.completed.push(name);
    } else {
      await rollBackCreate(paths, name, intent, labels);
      report.rolledBack.push(name);
      say(`sandbox: rolled back the interrupted create of '${name}'`);
    }
  }
  for (const name of await reclaimStaleLabels(paths)) {
    report.rolledBack.push(name);
    say(`sandbox: released the label of the interrupted create of '${name}'`);
  }
  return report;
}
