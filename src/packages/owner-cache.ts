// Who owns a path, remembered between commands: `dpkg-query -S` reads every
// installed package's file list (0.1-0.3 s) and `rpm -qf` starts rpm and its
// shell macros per name, for an answer that only changes when a package
// database does. An answer is kept with the database's fingerprint (the stat
// of the files a package change always replaces) taken before it was asked,
// and is used only while the fingerprint is still the same: after any package
// install, update or removal the manager is asked again, and so it is after
// any change of the file itself (rpm -qf looks at it).
import { lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { ownerCachePath } from '../layout.js';
import type { PackageManager } from './types.js';

interface CacheFile {
  fingerprint: string;
  /** aliases joined by NUL → owners */
  owners: Record<string, string[]>;
}

/**
 * A stat that changes with any rewrite or rename of the file: inode, size,
 * mtime and (unless `ctime` is false) ctime to the nanosecond. sqlite
 * truncates its empty WAL at every close, a read's too: that changes only ctime.
 */
export function statPrint(file: string, ctime = true): string {
  let st: BigIntStats;
  try {
    st = lstatSync(file, { bigint: true });
  } catch {
    return `${file}:absent`;
  }
  return `${file}:${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}${ctime ? `:${st.ctimeNs}` : ''}`;
}

function realDir(file: string): string {
  try {
    return realpathSync(path.dirname(file));
  } catch {
    return 'absent';
  }
}

/** The cache, trusted only when it is a regular file of ours nobody else may write. */
function read(file: string): CacheFile | undefined {
  try {
    const st = lstatSync(file);
    if (!st.isFile() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) return undefined;
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    return typeof parsed.fingerprint === 'string' && typeof parsed.owners === 'object' && parsed.owners ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Best effort: a cache that cannot be written (read-only /var) only costs the next lookup its time. */
function write(file: string, data: CacheFile): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    /* next time */
  }
}

/** manager.owners(names), from the cache in cacheDir when the manager's fingerprint is unchanged. */
export async function cachedOwners(cacheDir: string, manager: PackageManager, names: readonly string[]): Promise<string[]> {
  const fingerprint = await manager.fingerprint?.();
  if (fingerprint === undefined) return manager.owners(names);
  const file = ownerCachePath(cacheDir, manager.name);
  // rpm -qf also looks at the file (absent: no answer) and resolves its directory: both are part of the key.
  const key = names.map((n) => `${n}\0${statPrint(n)}\0${realDir(n)}`).join('\0');
  const cache = read(file);
  const hit = cache?.fingerprint === fingerprint ? cache.owners[key] : undefined;
  if (Array.isArray(hit) && hit.every((p) => typeof p === 'string')) return [...hit];
  const owners = await manager.owners(names);
  // Another answer may have been cached meanwhile: keep it if it is of the same fingerprint.
  const now = read(file);
  const base = now?.fingerprint === fingerprint ? now.owners : {};
  write(file, { fingerprint, owners: { ...base, [key]: owners } });
  return owners;
}
