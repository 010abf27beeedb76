// Reading and replacing files in a sandbox's tree, which the sandbox itself
// can write, while it runs: never trust it. The directory that holds a file is
// reached one component at a time without following a link, and then held
// open; every read, link, rename, mkdir and unlink names the file through the
// held directory (/proc/self/fd/N/NAME, apply/pinned.ts), so a directory the
// sandbox swaps for a link after the check cannot lead the upgrade out of the
// tree. A swap can only move what we act on to elsewhere inside the tree.
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { SandboxError } from '../errors.js';
import { run } from '../exec.js';
import { O_PATH, pin, pinnedPath, pinnedPathForChild } from '../apply/pinned.js';
import { labelHeld } from '../payload/label.js';
import type { Mine } from './plan.js';


/** A sandbox file larger than this is not read for a merge: the package's version is offered beside it instead. */
export const MAX_MERGE_BYTES = 8 * 1024 * 1024;

/** The directory holding one entry of the tree, held open, and the entry's name in it. */
export interface HeldParent {
  name: string;
  /** The entry, named through the held directory (for this process's calls). */
  at: string;
  /** The same for a child process. */
  forChild: string;
  close(): Promise<void>;
}

/** Hold the parent of rel (a host-view path like /etc/app/app.conf) inside top; 'missing' when a directory on the way is absent. Throws when one is a link or not a directory. */
export async function holdParent(top: string, rel: string): Promise<HeldParent | 'missing'> {
  const parts = rel.split('/').filter(Boolean);
  const name = parts.pop();
  if (name === undefined || parts.concat(name).some((p) => p === '.' || p === '..')) throw new SandboxError(`internal: '${rel}' is not a normalized path in the tree`);
  let dir = await fs.open(top, O_PATH | constants.O_DIRECTORY);
  let shown = '';
  try {
    for (const part of parts) {
      shown += '/' + part;
      let next: fs.FileHandle;
      try {
        next = await fs.open(pinnedPath(dir.fd, part), O_PATH | constants.O_NOFOLLOW | constants.O_DIRECTORY);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          await dir.close();
          return 'missing';
        }
        if (code === 'ENOTDIR' || code === 'ELOOP') throw new SandboxError(`${path.join(top, shown)} is not a directory (a link?): the upgrade leaves this sandbox as it is`);
        throw e;
      }
      await dir.close();
      dir = next;
    }
  } catch (e) {
    await dir.close();
    throw e;
  }
  const held = dir;
  return {
    name,
    at: pinnedPath(held.fd, name),
    forChild: pinnedPathForChild(held.fd, name),
    close: () => held.close(),
  };
}

/** Run fn with rel's parent held; 'missing' (fn not run) when a directory on the way is absent. */
export async function withParent<T>(top: string, rel: string, fn: (p: HeldParent) => Promise<T>): Promise<T | 'missing'> {
  const held = await holdParent(top, rel);
  if (held === 'missing') return 'missing';
  try {
    return await fn(held);
  } finally {
    await held.close();
  }
}

/** 'ok' when each directory of rel's parent under top is a real directory; 'missing' from the first absent one. Throws on a link. */
export async function parentInside(top: string, rel: string): Promise<'ok' | 'missing'> {
  return (await withParent(top, rel, async () => 'ok' as const)) === 'ok' ? 'ok' : 'missing';
}

/** What the entry rel is, never following a link; undefined when it (or a directory on the way) is absent. */
export async function lstatInside(top: string, rel: string): Promise<import('node:fs').BigIntStats | undefined> {
  const r = await withParent(top, rel, async (p) => {
    const e = await pin(undefined, p.at);
    if (!e) return undefined;
    await e.handle.close();
    return e.stats;
  });
  return r === 'missing' ? undefined : r;
}

/** The sandbox's file: its bytes when it is a regular file no larger than MAX_MERGE_BYTES, else what is there. */
export async function readInside(top: string, rel: string): Promise<{ mine: Mine; bytes?: Buffer; uid?: number; gid?: number; mode?: number }> {
  const other = (what: string) => ({ mine: { kind: 'other', what } as Mine });
  const r = await withParent(top, rel, async (p) => {
    // Pinned (O_PATH) and looked at first: a device or fifo planted there is never opened.
    const e = await pin(undefined, p.at);
    if (!e) return { mine: { kind: 'missing' } as Mine };
    try {
      const st = e.stats;
      if (st.isSymbolicLink()) return other('symbolic link');
      if (st.isDirectory()) return other('directory');
      if (!st.isFile()) return other('special file');
      // The very file fstat saw, reopened for reading through its descriptor.
      const fh = await fs.open(pinnedPath(e.fd), constants.O_RDONLY | constants.O_NOCTTY);
      try {
        // Read to the end, but never more than the limit: the file may grow while it is read.
        const chunks: Buffer[] = [];
        let total = 0;
        for (;;) {
          const chunk = Buffer.alloc(64 * 1024);
          const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
          if (bytesRead === 0) break;
          total += bytesRead;
          if (total > MAX_MERGE_BYTES) return other(`file larger than ${MAX_MERGE_BYTES / 1024 / 1024} MiB`);
          chunks.push(chunk.subarray(0, bytesRead));
        }
        const bytes = Buffer.concat(chunks);
        return { mine: { kind: 'file', sha256: sha256(bytes) } as Mine, bytes, uid: Number(st.uid), gid: Number(st.gid), mode: Number(st.mode & 0o7777n) };
      } finally {
        await fh.close();
      }
    } finally {
      await e.handle.close();
    }
  });
  return r === 'missing' ? { mine: { kind: 'missing' } } : r;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Hard-link the regular file rel of the tree to dest (ours); undefined when nothing is there. Throws when it is not a regular file. */
export async function linkOut(top: string, rel: string, dest: string, shown: string): Promise<boolean> {
  const r = await withParent(top, rel, async (p) => {
    const e = await pin(undefined, p.at);
    if (!e) return false;
    await e.handle.close();
    if (!e.stats.isFile()) throw new SandboxError(`${shown} is not a regular file: the upgrade leaves this sandbox as it is`);
    // link(2) never follows the last name; what it linked is checked again, as it may have been swapped since.
    await fs.link(p.at, dest);
    if (!(await fs.lstat(dest)).isFile()) {
      await fs.unlink(dest);
      throw new SandboxError(`${shown} is not a regular file: the upgrade leaves this sandbox as it is`);
    }
    return true;
  });
  return r === true;
}

/** Rename from (ours) to rel in the tree, through its held parent. */
export async function renameIn(top: string, rel: string, from: string): Promise<void> {
  const r = await withParent(top, rel, (p) => fs.rename(from, p.at));
  if (r === 'missing') throw new Error(`internal: the parent of ${rel} is missing`);
}

/** Make the directory rel in the tree with owner, mode and label, through its held parent. */
export async function mkdirIn(top: string, rel: string, owner: { uid: number; gid: number; mode: number }, context: string): Promise<void> {
  const r = await withParent(top, rel, async (p) => {
    await fs.mkdir(p.at, { mode: owner.mode });
    const dir = await fs.open(p.at, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    try {
      await dir.chown(owner.uid, owner.gid);
      await dir.chmod(owner.mode);
      await labelHeld(pinnedPathForChild(dir.fd), context, `${rel} in the sandbox`);
    } finally {
      await dir.close();
    }
  });
  if (r === 'missing') throw new Error(`internal: the parent of ${rel} is missing`);
}

/** Like withParent, for taking a step back: a link planted on the way since means the step is left, not followed. */
async function ifStillInside(top: string, rel: string, fn: (p: HeldParent) => Promise<boolean>): Promise<boolean> {
  let held: HeldParent | 'missing';
  try {
    held = await holdParent(top, rel);
  } catch (e) {
    if (e instanceof SandboxError) return false;
    throw e;
  }
  if (held === 'missing') return false;
  try {
    return await fn(held);
  } finally {
    await held.close();
  }
}

/** Remove the entry rel of the tree (a directory with all it holds), never through a link; true when there was one. */
export async function removeIn(top: string, rel: string): Promise<boolean> {
  return ifStillInside(top, rel, async (p) => {
    const e = await pin(undefined, p.at);
    if (!e) return false;
    await e.handle.close();
    if (!e.stats.isDirectory()) {
      return fs.unlink(p.at).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
          return false;
        },
      );
    }
    // GNU rm walks relative to open directories and never follows a link; it starts at the held parent.
    const rm = await run('rm', ['-rf', '--one-file-system', '--', p.forChild]);
    if (rm.exitCode !== 0) throw new SandboxError(`removing ${rel} from the sandbox failed: ${rm.stderr.trim()}`);
    return true;
  });
}

/** Put from (ours) back as rel of the tree; false when its parent is gone or a link. */
export async function restoreIn(top: string, rel: string, from: string): Promise<boolean> {
  return ifStillInside(top, rel, (p) => fs.rename(from, p.at).then(() => true));
}

/** rmdir rel of the tree when it is an empty directory; true when it went. */
export async function rmdirIn(top: string, rel: string): Promise<boolean> {
  return ifStillInside(top, rel, (p) => fs.rmdir(p.at).then(() => true, () => false));
}
