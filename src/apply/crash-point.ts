// Crash tests choose where a command dies: SANDBOX_CRASH_AT=<point> makes the
// process SIGKILL itself there, so recovery is tested at every step.
export function crashPoint(name: string): void {
  if (process.env.SANDBOX_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
