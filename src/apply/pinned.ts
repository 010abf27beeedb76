// Paths that cannot be redirected: a directory held open by a file
// descriptor, named through /proc/self/fd/N, and one name inside it. The
// kernel resolves /proc/self/fd/N to the very directory that was opened,
// whatever was renamed or swapped for a symlink since; only the last name is
// then looked up, and opened with O_NOFOLLOW. This is openat(2) for Node,
// which has none: a process of the sandbox can change its tree while we read
// it, but never make us leave it.
import { promises as fs, constants, type BigIntStats } from 'node:fs';
import { fsPath } from '../payload/bytes.js';

// O_PATH (Linux; the same value on x86 and arm): an fd that names an entry
// without opening it, so a device or a fifo put in its place is never opened.
export const O_PATH = 0o10000000;

/** /proc/self/fd/FD[/NAME], for this process's own calls (NAME may hold raw bytes: use with fsPath). */
export function pinnedPath(fd: number, name?: string): string {
  return name === undefined ? `/proc/self/fd/${fd}` : `/proc/self/fd/${fd}/${name}`;
}

/** The same path as a child process must name it (its /proc/self is its own). */
export function pinnedPathForChild(fd: number, name?: string): string {
  return pinnedPath(fd, name).replace('/proc/self/', `/proc/${process.pid}/`);
}

export interface PinnedEntry {
  /** Close it when done: the fd pins the entry until then. */
  handle: fs.FileHandle;
  fd: number;
  /** BigInt: times to the nanosecond (a double in ms cannot hold them, and a copy would lose a microsecond). */
  stats: BigIntStats;
}

/** Hold the entry NAME of the directory held by dirFd (or the path itself), never following a symlink; undefined when it is gone. */
export async function pin(dirFd: number | undefined, name: string): Promise<PinnedEntry | undefined> {
  const at = dirFd === undefined ? name : pinnedPath(dirFd, name);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(fsPath(at), O_PATH | constants.O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    // fstat on an O_PATH fd: the entry itself (a symlink is a symlink).
    return { handle, fd: handle.fd, stats: await handle.stat({ bigint: true }) };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** Names in a pinned directory, as bytes (payload/bytes.ts decodes them). */
export async function pinnedNames(fd: number): Promise<Buffer[]> {
  return fs.readdir(pinnedPath(fd), { encoding: 'buffer' });
}
