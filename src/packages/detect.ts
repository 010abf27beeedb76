// Which package managers can answer on this root, and who owns a path.
import type { Paths } from '../paths.js';
import { pathAliases } from './aliases.js';
import { dpkgManager } from './dpkg.js';
import { rpmManager } from './rpm.js';
import type { PackageManager, PackageOwner } from './types.js';
import { cachedOwners } from './owner-cache.js';
import { CACHE_DIR } from '../layout.js';

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
  // The cache only on a live host: an offline root is never written to for it.
  const ask = (m: PackageManager) => (paths.root === '/' ? cachedOwners(CACHE_DIR, m, aliases) : m.owners(aliases));
  for (const manager of usable) {
    out.push(...(await ask(manager)).map((p) => ({ manager, package: p })));
  }
  return out;
}
