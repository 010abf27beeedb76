// The same file can have two names on a merged-/usr host (/lib/x and
// /usr/lib/x), and a package database knows only the one its package shipped:
// Debian 12's apache2 lists /lib/systemd/system/apache2.service, systemd may
// report either. Each alias is asked in turn.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../paths.js';

const MERGED = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/** True when ROOT/top is a symlink to usr/top (a merged /usr). */
async function isMerged(paths: Paths, top: string): Promise<boolean> {
  try {
    const target = await fs.readlink(paths.host(top));
    return path.posix.resolve('/', target) === `/usr${top}`;
  } catch {
    return false;
  }
}

/** absPath first, then its other name under a merged /usr, if any. */
export async function pathAliases(paths: Paths, absPath: string): Promise<string[]> {
  const out = [absPath];
  for (const top of MERGED) {
    if (absPath.startsWith(`${top}/`) && (await isMerged(paths, top))) out.push(`/usr${absPath}`);
    else if (absPath.startsWith(`/usr${top}/`) && (await isMerged(paths, top))) out.push(absPath.slice(4));
  }
  return out;
}
