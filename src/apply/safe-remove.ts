// Removal that can never reach outside the directories the tool owns: the
// target must lie inside an allowed parent (checked on the real path of its
// parent, so a symlinked parent cannot redirect it), and rm never follows links
// inside what it removes (fs.rm does not follow symlinks; it removes the link).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import { isInside } from '../paths.js';

export async function removeInside(allowedParents: string[], target: string): Promise<boolean> {
  const parentReal = await fs.realpath(path.dirname(target)).catch(() => undefined);
  if (parentReal === undefined) return false;
  const real = path.join(parentReal, path.basename(target));
  const roots = await Promise.all(allowedParents.map((p) => fs.realpath(p).catch(() => path.resolve(p))));
  if (!roots.some((r) => isInside(r, real) && real !== r)) {
    throw new SandboxError(`refusing to remove ${target}: it is outside ${allowedParents.join(', ')}`);
  }
  try {
    await fs.lstat(real);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  await fs.rm(real, { recursive: true, force: true });
  return true;
}
