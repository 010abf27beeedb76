// Reading and replacing files in a sandbox's tree, which the sandbox itself
// can write: never trust it. Every directory on the way must be a real
// directory (a link planted there would lead outside the tree), and the file
// itself is opened without following a link. As in apply/mkdir-inside.ts, a
// swap between the check and the use is not excluded; only paths the check
// passed are used.
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import type { Mine } from './plan.js';
import { createHash } from 'node:crypto';

/** 'ok' when each directory of rel's parent under top is a real directory; 'missing' from the first absent one. Throws on a link. */
export async function parentInside(top: string, rel: string): Promise<'ok' | 'missing'> {
  const parts = path.posix.dirname(rel).split('/').filter(Boolean);
  let dir = top;
  for (const part of parts) {
    dir = path.join(dir, part);
    const st = await fs.lstat(dir).catch(() => undefined);
    if (!st) return 'missing';
    if (!st.isDirectory()) throw new SandboxError(`${dir} is not a directory (a link?): the upgrade leaves this sandbox as it is`);
  }
  return 'ok';
}

/** The sandbox's file: its bytes when it is a regular file, else what is there. */
export async function readInside(top: string, rel: string): Promise<{ mine: Mine; bytes?: Buffer; uid?: number; gid?: number; mode?: number }> {
  if ((await parentInside(top, rel)) === 'missing') return { mine: { kind: 'missing' } };
  const file = path.join(top, rel);
  const st = await fs.lstat(file).catch(() => undefined);
  if (!st) return { mine: { kind: 'missing' } };
  if (!st.isFile()) return { mine: { kind: 'other', what: st.isSymbolicLink() ? 'symbolic link' : st.isDirectory() ? 'directory' : 'special file' } };
  const fh = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const fst = await fh.stat();
    if (!fst.isFile()) return { mine: { kind: 'other', what: 'special file' } };
    const bytes = await fh.readFile();
    return { mine: { kind: 'file', sha256: sha256(bytes) }, bytes, uid: fst.uid, gid: fst.gid, mode: fst.mode & 0o7777 };
  } finally {
    await fh.close();
  }
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
