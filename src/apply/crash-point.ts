// A step boundary of an all-or-nothing operation. A pending SIGINT/SIGTERM is
// acted on here (apply/interrupt.ts). Crash tests choose where a command dies:
// SANDBOX_CRASH_AT=<point> makes the process SIGKILL itself here, so recovery
// is tested at every step; SANDBOX_CRASH_SIGNAL=SIGINT|SIGTERM sends that
// signal instead (an admin's ^C), acted on at this same boundary.
import { checkInterrupt } from './interrupt.js';

export function crashPoint(name: string): void {
  if (process.env.SANDBOX_CRASH_AT === name) {
    const sig = process.env.SANDBOX_CRASH_SIGNAL;
    process.kill(process.pid, sig === 'SIGINT' || sig === 'SIGTERM' ? sig : 'SIGKILL');
  }
  checkInterrupt();
}
