// Wires the recovery room (recovery/recover.ts) to the label store; the
// command table (table.ts) runs it before every command that asks for it.
// `doctor` does not (it only looks) unless given --repair.
import { recover, type RecoveryReport } from '../recovery/recover.js';
import { openLabelStore } from '../labels/store.js';
import type { Paths } from '../paths.js';
import { mapHostErrors } from '../apply/host-error.js';
import { note } from '../output/note.js';
import { summariseChanges } from '../output/changes.js';
import type { Change } from '../apply/change.js';

/** On stderr (recovery runs before commands whose stdout is data): what was done, then its changes through the one formatter. */
function sayRecovered(message: string, changes: Change[] = []): void {
  note(message);
  for (const line of summariseChanges(changes)) note(`  ${line}`);
}

export async function runRecovery(paths: Paths): Promise<RecoveryReport> {
  return mapHostErrors(async () => {
    const store = await openLabelStore(paths);
    return recover(paths, { release: (n) => store.release(n), commit: (n) => store.commit(n).catch(() => undefined) }, sayRecovered);
  });
}
