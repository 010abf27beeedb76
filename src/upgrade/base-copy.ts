// EFFECTOR: the sandbox's base, pristine copies of its package files (layout.ts
// says why it lives where it does). Written by create and replaced whole by an
// upgrade; removed with the sandbox.
import { promises as fs } from 'node:fs';
import type { Paths } from '../paths.js';
import { basesDir } from '../layout.js';
import { copyPlan } from '../payload/copy.js';
import { removeInside } from '../apply/safe-remove.js';

/** Copy the host's `files` (host paths) into dest, mirroring their paths; .base is made root-only first. */
export async function copyBase(paths: Paths, files: readonly string[], dest: string): Promise<void> {
  await fs.mkdir(basesDir(paths), { recursive: true, mode: 0o700 });
  await copyPlan(paths, { entries: files.map((p) => ({ path: p, how: 'entry' as const })) }, dest);
}

/** Remove a base (or a staged one) and .base itself once it is empty; true if the base was there. */
export async function removeBase(paths: Paths, dir: string): Promise<boolean> {
  const removed = await removeInside([paths.stateDir], dir);
  await fs.rmdir(basesDir(paths)).catch(() => undefined);
  return removed;
}
