// A listing of a file tree with content hashes: path → type, mode, owner, size,
// sha256 (files) or target (symlinks), and every xattr. Two snapshots equal
// means nothing was created, removed or rewritten (times are left out: reading
// a directory is not a change).
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { run } from '../../../src/exec.js';

export type Snapshot = Map<string, string>;

async function describe(file: string): Promise<string> {
  const st = await fs.lstat(file);
  const head = `mode=${(st.mode & 0o177777).toString(8)} owner=${st.uid}:${st.gid}`;
  if (st.isSymbolicLink()) return `${head} link->${await fs.readlink(file)}`;
  if (st.isFile()) return `${head} size=${st.size} sha256=${createHash('sha256').update(await fs.readFile(file)).digest('hex')}`;
  return head;
}

async function walk(file: string, rel: string, out: Snapshot): Promise<void> {
  let st;
  try {
    st = await fs.lstat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  out.set(rel, await describe(file));
  if (!st.isDirectory()) return;
  for (const name of (await fs.readdir(file)).sort()) await walk(path.join(file, name), path.posix.join(rel, name), out);
}

/** xattrs of everything under top, without following links; keyed like the listing. */
async function xattrs(top: string, base: string, out: Snapshot): Promise<void> {
  const r = await run('getfattr', ['-R', '-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', top]);
  // a failed read would leave the xattr part of the snapshot empty, and two empty parts equal
  if (r.exitCode !== 0) throw new Error(`getfattr -R ${top} exited ${r.exitCode}: ${r.stderr.trim()}`);
  let file = '';
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('# file: ')) file = '/' + path.relative(base, line.slice(8));
    else if (line && file) out.set(`${file} xattr`, [out.get(`${file} xattr`), line].filter(Boolean).join(' '));
  }
}

/** Snapshot of base, or only of the given absolute paths inside base (as the host sees them). */
export async function snapshot(base: string, only: readonly string[] = ['/']): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const p of only) {
    const file = path.join(base, p);
    await walk(file, p, out);
    if (out.has(p)) await xattrs(file, base, out);
  }
  return out;
}

/** Human-readable differences between two snapshots; [] when they are equal. */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const [k, v] of before) {
    if (!after.has(k)) out.push(`removed ${k} (${v})`);
    else if (after.get(k) !== v) out.push(`changed ${k}: ${v} → ${after.get(k)}`);
  }
  for (const [k, v] of after) if (!before.has(k)) out.push(`added ${k} (${v})`);
  return out;
}
