// Removal that can never reach outside the directories the tool owns: the
// target must lie inside an allowed parent (checked on the real path of its
// parent, so a symlinked parent cannot redirect it). What is inside the target
// may be changed under us by a process of the sandbox while we remove it (a
// directory swapped for a symlink with renameat2(RENAME_EXCHANGE)): Node has
// no openat/unlinkat, and its recursive fs.rm works on path names, so it would
// follow such a link. GNU rm walks with fts relative to open directory handles,
// opens each directory with O_NOFOLLOW and checks its device and inode, and
// unlinks a symlink instead of following it; --one-file-system keeps it off
// anything mounted inside the tree.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import { run } from '../exec.js';
import { isInside } from '../paths.js';

// A racing rename can make one rm pass fail (an entry it listed is gone or is
// no longer a directory); each pass removes what it can, the next the rest.
const PASSES = 5;

export async function removeInside(allowedParents: string[], target: string): Promise<boolean> {
  const parentReal = await fs.realpath(path.dirname(target)).catch(() => undefined);
  if (parentReal === undefined) return false;
  const real = path.join(parentReal, path.basename(target));
  const roots = await Promise.all(allowedParents.map((p) => fs.realpath(p).catch(() => path.resolve(p))));
  if (!roots.some((r) => isInside(r, real) && real !== r)) {
    throw new SandboxError(`refusing to remove ${target}: it is outside ${allowedParents.join(', ')}`);
  }
  const st = await fs.lstat(real).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!st) return false;
  if (!st.isDirectory()) {
    await fs.unlink(real).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    return true;
  }
  await removeTree(real);
  return true;
}

/** rm -rf, without following links or leaving the file system, until nothing is left. */
async function removeTree(dir: string): Promise<void> {
  let last = '';
  for (let i = 0; i < PASSES; i++) {
    const r = await run('rm', ['-rf', '--one-file-system', '--', dir]);
    if (r.exitCode === 0) return;
    last = r.stderr.trim().split('\n')[0] ?? '';
    if (!(await fs.lstat(dir).then(() => true, () => false))) return;
  }
  throw new SandboxError(`removing ${dir} failed: ${last}`);
}
