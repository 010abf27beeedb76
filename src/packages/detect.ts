// Which package managers can answer on this root, and who owns a path.
import type { Paths } from '../paths.js';
import { pathAliases } from './aliases.js';
import { dpkgManager } from './dpkg.js';
import { rpmManager } from './rpm.js';
import type { PackageManager, PackageOwner } from './types.js';

export function allManagers(paths: Paths): PackageManager[] {
  return [dpkgManager(paths), rpmManager(paths)];
}

/** The managers whose program and database are both present under the root. */
export async function detectManagers(paths: Paths, candidates = allManagers(paths)): Promise<PackageManager[]> {
  const usable = await Promise.all(candidates.map((m) => m.available()));
  return candidates.filter((_, i) => usable[i]);
}

/** Every (manager, package) owning absPath, trying its merged-/usr alias when the path itself is unowned. */
export async function findOwners(
  paths: Paths,
  absPath: string,
  managers?: readonly PackageManager[],
): Promise<PackageOwner[]> {
  const usable = managers ?? (await detectManagers(paths));
  const aliases = await pathAliases(paths, absPath);
  const out: PackageOwner[] = [];
  for (const manager of usable) {
    out.push(...(await manager.owners(aliases)).map((p) => ({ manager, package: p })));
  }
  return out;
}
