// Make a directory inside a tree one component at a time, never through a
// link: `mkdir -p` and chown follow a symlink the copy brought into the tree
// (or that a package or admin put there) and would make and chown a directory
// wherever it points, outside the tree. Each component is lstat'ed: a missing
// one is made, a directory is entered, anything else is refused. Only the tree
// being built (staging, which no other process can reach) is walked.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors.js';

export interface DirOwner {
  uid: number;
  gid: number;
  mode: number;
  /** The last component is an empty regular file (a log file the service opens), not a directory. */
  file?: boolean;
}

/** Create top/rel (rel is a host-view path like /var/lib/foo); the last component gets owner and mode. */
export async function mkdirInside(top: string, rel: string, owner: DirOwner): Promise<void> {
  const parts = rel.split('/').filter(Boolean);
  let dir = top;
  for (const [i, part] of parts.entries()) {
    if (part === '.' || part === '..') throw new SandboxError(`internal: '${rel}' is not a normalized path`);
    dir = path.join(dir, part);
    const last = i === parts.length - 1;
    const st = await fs.lstat(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    const shown = '/' + parts.slice(0, i + 1).join('/');
    if (st?.isSymbolicLink()) throw new SandboxError(`cannot create ${rel} in the sandbox: ${shown} is a symbolic link there (to ${await fs.readlink(dir)}); a directory is never made through a link`);
    if (last && owner.file) {
      if (st && !st.isFile()) throw new SandboxError(`cannot create ${rel} in the sandbox: ${shown} is not a regular file`);
      if (!st) await fs.writeFile(dir, '', { flag: 'wx', mode: owner.mode });
      await fs.lchown(dir, owner.uid, owner.gid);
      await fs.chmod(dir, owner.mode);
      return;
    }
    if (st && !st.isDirectory()) throw new SandboxError(`cannot create ${rel} in the sandbox: ${shown} is not a directory`);
    if (st && !last) continue;
    if (!st) await fs.mkdir(dir, { mode: last ? owner.mode : 0o755 });
    if (last) {
      await fs.lchown(dir, owner.uid, owner.gid);
      await fs.chmod(dir, owner.mode);
    }
  }
}
