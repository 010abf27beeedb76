// Runs before every command that may change the host: finishes or rolls back
// what an interrupted create or delete left (see delete/recovery.ts).
import { recover } from '../delete/recovery.js';
import { openLabelStore } from '../labels/store.js';
import { pathsOf, note, type GlobalArgs } from './common.js';

export async function recoveryMiddleware(argv: GlobalArgs & { _: (string | number)[]; help?: boolean }): Promise<void> {
  if (argv.help) return;
  const command = String(argv._[0] ?? '');
  if (command === '' || command === 'doctor') return;
  const paths = pathsOf(argv);
  if (!paths.offline && process.getuid?.() !== 0) return;
  const store = await openLabelStore(paths);
  await recover(paths, { release: (n) => store.release(n), commit: (n) => store.commit(n).catch(() => undefined) }, note);
}
