// `sandbox doctor --recover`, what units/sandbox-recover.service runs at boot
// before sysinit.target, so before any sandbox unit (they all have systemd's
// default dependencies, After=sysinit.target): an interrupted create is rolled
// back and an interrupted delete finished. Those removed unit files, which
// systemd loaded before this ran and may have queued a start job for; so it is
// told to reload. No bus daemon runs that early: systemctl reaches systemd on
// its private socket.
import { SandboxError } from '../errors.js';
import { run } from '../exec.js';
import type { Paths } from '../paths.js';
import { runRecovery } from './recovery.js';

export async function bootRecovery(paths: Paths): Promise<void> {
  const report = await runRecovery(paths);
  const changed = report.rolledBack.length + report.finishedDeletes.length > 0;
  if (!changed || paths.offline) return;
  const r = await run('systemctl', ['daemon-reload']);
  if (r.exitCode !== 0) throw new SandboxError(`systemctl daemon-reload failed after recovery: ${r.stderr.trim()}`);
}
