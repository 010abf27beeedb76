// How a failure of create or delete reaches the user: as one line.
// - A failed system call (a full disk, a read-only or broken file system, a
//   permission) is the host's state, not a bug in the tool: exit 1 with Node's
//   message (errno, call, path) instead of an internal error with a stack.
// - A tool's stderr quoted in a message (setfattr, cp) can run to a line per
//   file: the first line says it, the rest is counted.
// The undo stack and recovery have already run by the time it prints.
import { isSandboxError, SandboxError } from '../errors.js';

export function hostError(e: unknown): unknown {
  if (isSandboxError(e)) {
    const [first, ...rest] = e.message.trimEnd().split('\n');
    return rest.length ? new SandboxError(`${first} (and ${rest.length} more line${rest.length === 1 ? '' : 's'} like it)`, e.exitCode) : e;
  }
  const x = e as NodeJS.ErrnoException;
  if (x instanceof Error && typeof x.code === 'string' && typeof x.syscall === 'string') return new SandboxError(x.message);
  return e;
}

export async function mapHostErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw hostError(e);
  }
}

/** A command handler whose failures print as one line (see above). */
export function withHostErrors<A>(handler: (argv: A) => Promise<void>): (argv: A) => Promise<void> {
  return (argv) => mapHostErrors(() => handler(argv));
}
