// The SELinux context of the sockets this process creates next
// (/proc/thread-self/attr/sockcreate, as libselinux's setsockcreatecon). exec
// relays a command's stdin, stdout and stderr through socket pairs made in the
// sandbox's own context: a socket made in the tool's context is at the admin's
// whole MCS range, which the sandbox's level may neither read nor write, so
// the kernel would hand the command /dev/null instead.
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { UnavailableError } from '../errors.js';

const SOCKCREATE = '/proc/thread-self/attr/sockcreate';

/** Opened without O_CREAT: with it, SELinux asks for { create } on the attribute file (an AVC seen in the enforcing VM). */
function writeAttr(value: string): void {
  const fd = openSync(SOCKCREATE, constants.O_WRONLY);
  try {
    writeSync(fd, value);
  } finally {
    closeSync(fd);
  }
}

/** Run fn (synchronous: it must make its sockets before returning) with sockets created in context, then back to the default. */
export function withSocketContext<T>(context: string, fn: () => T): T {
  try {
    writeAttr(context);
  } catch (e) {
    throw new UnavailableError(`cannot make sockets in the sandbox's context ${context} (${(e as Error).message}): without them the command's output cannot reach this one; run it with -t`);
  }
  try {
    return fn();
  } finally {
    // An empty write puts back the default: a socket gets its creator's context.
    writeAttr('');
  }
}
