// SIGINT/SIGTERM during an all-or-nothing operation (create): the signal is
// noted, not acted on at once, so the operation never races its own rollback.
// The operation stops at its next step boundary (crashPoint), rolls back
// through its own error path, frees the label, and the process exits 130/143.
// A second signal exits at once; the next command's recovery finishes then.
import { ExitCode, SandboxError } from '../errors.js';

let pending: NodeJS.Signals | undefined;
let depth = 0;

export class InterruptedError extends SandboxError {
  constructor(readonly signal: NodeJS.Signals, what = 'rolled back') {
    super(`interrupted by ${signal}: ${what}`, signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated);
  }
}

function onSignal(sig: NodeJS.Signals): void {
  if (pending) {
    process.stderr.write(`sandbox: ${sig} again: exiting now; the next sandbox command finishes the rollback\n`);
    process.exit(sig === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated);
  }
  pending = sig;
  process.stderr.write(`sandbox: ${sig}: rolling back\n`);
}

/** Throws InterruptedError when a signal arrived: called at every step boundary. */
export function checkInterrupt(): void {
  if (pending) throw new InterruptedError(pending);
}

/** Runs fn with SIGINT/SIGTERM deferred to its step boundaries. */
export async function withInterruptGuard<T>(fn: () => Promise<T>): Promise<T> {
  if (depth++ === 0) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  try {
    const result = await fn();
    // a signal that came after the last boundary: what was made is whole and kept
    if (pending) throw new InterruptedError(pending, 'stopped after what was already complete');
    return result;
  } finally {
    if (--depth === 0) {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  }
}
