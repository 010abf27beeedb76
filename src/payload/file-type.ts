// The file types the payload code speaks of, named once. Types always come
// from lstat: a symlink is a symlink, never what it points to.
import { lstatSync, type Stats, type BigIntStats } from 'node:fs';

export type EntryType = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'char' | 'block';
/** An entry type, or 'missing' when nothing is at the path. */
export type HostType = EntryType | 'missing';

export function entryTypeOf(st: Stats | BigIntStats): EntryType {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'char';
  return 'block';
}

/** Types a sandbox never receives: pipes and sockets belong to running processes, device nodes to the host. */
export function isSpecial(type: HostType): boolean {
  return type === 'fifo' || type === 'socket' || type === 'char' || type === 'block';
}

/** Synchronous: a create asks it of every listed path, where the promise API costs several times the calls. */
export function lstatType(file: string): HostType {
  try {
    return entryTypeOf(lstatSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw e;
  }
}
