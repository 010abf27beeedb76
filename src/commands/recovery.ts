// Runs before every command that may change the host: finishes or rolls back
// what an interrupted create or delete left (see recovery/recover.ts).
// `doctor` skips it (it only looks) unless given --repair.
import { recover, type RecoveryReport } from '../recovery/recover.js';
import { openLabelStore } from '../labels/store.js';
import type { Paths } from '../paths.js';
import { mapHostErrors } from '../apply/host-error.js';
import { pathsOf, note, type GlobalArgs } from './common.js';

export async function runRecovery(paths: Paths): Promise<RecoveryReport> {
  return mapHostErrors(async () => {
    const store = await openLabelStore(paths);
    return recover(paths, { release: (n) => store.release(n), commit: (n) => store.commit(n).catch(() => undefined) }, note);
  });
}

export async function recoveryMiddleware(argv: GlobalArgs & { _: (string | number)[]; help?: boolean }): Promise<void> {
  if (argv.help) return;
  const command = String(argv._[0] ?? '');
  if (command === '' || command === 'doctor') return;
  const paths = pathsOf(argv);
  if (!paths.offline && process.getuid?.() !== 0) return;
  await runRecovery(paths);
}
