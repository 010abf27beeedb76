// Wires the recovery room (recovery/recover.ts) to the label store; the
// command table (table.ts) runs it before every command that asks for it.
// `doctor` does not (it only looks) unless given --repair.
import { recover, type RecoveryReport } from '../recovery/recover.js';
import { openLabelStore } from '../labels/store.js';
import type { Paths } from '../paths.js';
import { mapHostErrors } from '../apply/host-error.js';
import { note } from '../output/note.js';

export async function runRecovery(paths: Paths): Promise<RecoveryReport> {
  return mapHostErrors(async () => {
    const store = await openLabelStore(paths);
    return recover(paths, { release: (n) => store.release(n), commit: (n) => store.commit(n).catch(() => undefined) }, note);
  });
}
