// EFFECTOR: copy a payload plan from the host into a tree that mirrors host
// paths (DEST/etc/apache2 for /etc/apache2), keeping everything an admin's
// `cp -a` keeps: type, mode, owner, group, times, xattrs (labels, ACLs,
// capabilities), hard links within one copy, and symlinks as symlinks.
//
// GNU cp does the copying (Node cannot copy xattrs). What cp cannot be told is
// done around it: directories that hold an exclude, a fifo, a socket or a
// device node are rebuilt one level at a time and their children copied
// except those; parents of entries are made with the host parents' metadata.
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import { run } from '../exec.js';
import { isInside, type Paths } from '../paths.js';
import { entryTypeOf, isSpecial } from './file-type.js';
import type { CopyHow, PlanNote } from './rules.js';
import { walkTree } from './walk.js';
import { formatDump, parseDump } from './xattr-dump.js';
import { decodeName, encodeName, fsPath } from './bytes.js';

export interface CopyEntry {
  path: string;
  how: CopyHow;
}

export interface CopyProgress {
  done: number;
  total: number;
  /** The entry just copied (host view). */
  path: string;
}

export interface CopyOptions {
  onProgress?: (p: CopyProgress) => void;
}

export interface CopyResult {
  /** The plan entries copied, in order. */
  copied: CopyEntry[];
  /** Directories made to hold them or rebuilt around a skipped child (host view). */
  madeDirs: string[];
  /** What was left out: excluded paths and special files. */
  skipped: PlanNote[];
}

const CP = ['-a', '--preserve=all', '--no-dereference'];
// Keep each getfattr batch well under the kernel's limit on a command line.
const BATCH = 500;
// File names go to children NUL-separated on stdin, as bytes (a name that is
// not UTF-8 cannot be an argument: Node encodes arguments as UTF-8). bash's
// read takes one name at a time and hands it on as an argument, byte for byte.
/** The first name is the target directory; xargs gives cp the rest, in as few runs as fit. */
const CP_INTO = `IFS= read -r -d '' dest && exec xargs -0 -r cp ${CP.join(' ')} -t "$dest"`;
/**
 * Groups "DIR NAME… (empty name)": one cp per group into DIR, all from one
 * shell (a process started by node costs 3-8 ms, by the shell far less).
 * --no-preserve=links: each entry is copied as by a cp of its own, so two
 * entries that are hard links on the host do not become links in the copy.
 */
const CP_GROUPS = `while IFS= read -r -d '' dest; do set --; while IFS= read -r -d '' s && [ -n "$s" ]; do set -- "$@" "$s"; done; cp ${CP.join(' ')} --no-preserve=links -t "$dest" -- "$@" || exit 1; done`;
/** touch -c -r FROM TO for each pair of names, stopping at the first failure. */
const TOUCH_PAIRS = `while IFS= read -r -d '' from && IFS= read -r -d '' to; do touch -c -r "$from" "$to" || exit 1; done`;

/** Names as a NUL-separated byte list for stdin. */
/**
 * bash for the NUL-separated reads, with no startup file: its stdin is a
 * socket (node's pipe), and Debian's bash then reads ~/.bashrc as if sshd ran
 * it (seen: root's pyenv init waiting on its rehash lock stalled a create).
 */
const bash = (script: string, input: Buffer) => run('bash', ['--norc', '--noprofile', '-c', script], { input });

const nulList = (names: readonly string[]) => Buffer.concat(names.flatMap((n) => [encodeName(n), Buffer.from([0])]));

function chunks<T>(list: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(fsPath(file));
    return true;
  } catch {
    return false;
  }
}

async function isRealDir(file: string): Promise<boolean> {
  return (await fs.lstat(fsPath(file))).isDirectory();
}

async function cp(args: string[], what: string): Promise<void> {
  const r = await run('cp', [...CP, ...args]);
  if (r.exitCode !== 0) throw new SandboxError(`copying ${what} failed: ${r.stderr.trim()}`);
}

/** cp every source into dir (hard links among them stay links). */
async function cpInto(dir: string, sources: readonly string[], what: string): Promise<void> {
  if (sources.length === 0) return;
  const r = await bash(CP_INTO, nulList([dir, ...sources]));
  if (r.exitCode !== 0) throw new SandboxError(`copying ${what} failed: ${r.stderr.trim()}`);
}

/** cp each (source, destination) pair of non-directories, as `cp -T SRC DEST` each would, grouped by destination directory. */
async function cpFiles(pairs: readonly { src: string; dest: string; what: string }[]): Promise<void> {
  if (pairs.length === 0) return;
  const groups = new Map<string, string[]>();
  for (const p of pairs) {
    const dir = path.dirname(p.dest);
    if (path.basename(p.dest) !== path.basename(p.src)) throw new SandboxError(`internal: ${p.src} would be copied to ${p.dest} under another name`);
    const list = groups.get(dir) ?? groups.set(dir, []).get(dir)!;
    list.push(p.src);
  }
  const input = [...groups].flatMap(([dir, srcs]) => chunks(srcs).flatMap((c) => [dir, ...c, '']));
  const r = await bash(CP_GROUPS, nulList(input));
  const what = pairs.length === 1 ? pairs[0]!.what : `${pairs[0]!.what} and ${pairs.length - 1} more`;
  if (r.exitCode !== 0) throw new SandboxError(`copying ${what} failed: ${r.stderr.trim()}`);
}

/** Owner, mode, xattrs and times of host directories onto their copies (after everything inside was written). */
async function cloneDirMetadata(paths: Paths, dest: string, dirs: readonly string[]): Promise<void> {
  for (const d of dirs) {
    // stat, not lstat: a parent is what the path goes through
    const st = await fs.stat(fsPath(paths.host(d)));
    const to = fsPath(path.join(dest, d));
    await fs.lchown(to, st.uid, st.gid);
    await fs.chmod(to, st.mode & 0o7777);
  }
  // xattrs after the mode: a restored ACL then sets the group bits itself.
  for (const batch of chunks(dirs)) {
    const got = await run('xargs', ['-0', 'getfattr', '-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names'], {
      input: nulList(batch.map((d) => paths.host(d))),
      namesOnStdout: true,
    });
    if (got.exitCode !== 0) throw new SandboxError(`reading xattrs failed: ${got.stderr.trim()}`);
    const records = parseDump(got.stdout).map((r) => ({ ...r, path: path.join(dest, paths.unhost(r.path)) }));
    if (records.length === 0) continue;
    const set = await run('setfattr', ['-h', '--restore=-'], { input: formatDump(records) });
    if (set.exitCode !== 0) throw new SandboxError(`writing xattrs failed: ${set.stderr.trim()}`);
  }
  // Times last: nothing after this adds or removes a child. touch -r copies
  // them to the nanosecond; fs.utimes takes a double and loses the last digits.
  // One shell runs every touch: a process started by the shell is far cheaper than one started by node.
  for (const batch of chunks(dirs)) {
    const r = await bash(TOUCH_PAIRS, nulList(batch.flatMap((d) => [paths.host(d), path.join(dest, d)])));
    if (r.exitCode !== 0) throw new SandboxError(`setting the times of ${batch.join(' ')} failed: ${r.stderr.trim()}`);
  }
}

export async function copyPlan(
  paths: Paths,
  plan: { entries: readonly CopyEntry[]; excludes?: readonly string[] },
  dest: string,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const excludes = plan.excludes ?? [];
  const result: CopyResult = { copied: [], madeDirs: [], skipped: [] };
  const made = new Set<string>();
  await fs.mkdir(dest, { recursive: true });

  const makeDir = async (p: string) => {
    await fs.mkdir(fsPath(path.join(dest, p)));
    made.add(p);
    result.madeDirs.push(p);
  };

  const makeParents = async (p: string) => {
    const parts = p.split('/').filter(Boolean).slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = '/' + parts.slice(0, i).join('/');
      if (!(await exists(path.join(dest, dir)))) await makeDir(dir);
    }
  };

  // A directory whose tree holds holes: rebuild it, copy its children except
  // the holes, and go down only into children that hold holes themselves.
  const copyAround = async (dir: string, holes: Map<string, string>) => {
    await makeDir(dir);
    const names = (await fs.readdir(fsPath(paths.host(dir)), { encoding: 'buffer' })).map(decodeName).sort();
    const plain: string[] = [];
    for (const name of names) {
      const child = path.posix.join(dir, name);
      const hole = holes.get(child);
      if (hole !== undefined) result.skipped.push({ path: child, reason: hole });
      else if ((await isRealDir(paths.host(child))) && [...holes.keys()].some((h) => isInside(child, h))) {
        await copyAround(child, holes);
      } else plain.push(paths.host(child));
    }
    // One cp for the siblings (xargs splits only what does not fit), so hard links among them stay links.
    await cpInto(path.join(dest, dir), plain, dir);
  };

  const total = plan.entries.length;
  // Non-directories wait to be copied together, until a directory entry or the end.
  let pending: { src: string; dest: string; what: string; entry: CopyEntry; done: number }[] = [];
  const flush = async () => {
    await cpFiles(pending);
    for (const p of pending) {
      result.copied.push(p.entry);
      options.onProgress?.({ done: p.done, total, path: p.entry.path });
    }
    pending = [];
  };
  for (const [i, e] of plan.entries.entries()) {
    const src = paths.host(e.path);
    let st: Stats;
    try {
      st = await fs.lstat(src);
    } catch {
      throw new SandboxError(`${e.path} is no longer on the host; make the plan again`);
    }
    const type = entryTypeOf(st);
    if (type === 'file' || type === 'symlink') {
      await makeParents(e.path);
      pending.push({ src, dest: path.join(dest, e.path), what: e.path, entry: { path: e.path, how: e.how }, done: i + 1 });
      continue;
    }
    await flush();
    // Excludes cut holes in whole dirs; an entry of its own inside a hole is
    // the admin's --copy and is copied.
    if (isSpecial(type)) result.skipped.push({ path: e.path, reason: `${type}: never copied` });
    else {
      await makeParents(e.path);
      const holes = new Map<string, string>();
      if (type === 'dir') {
        for (const x of excludes) if (x !== e.path && isInside(e.path, x)) holes.set(x, `--exclude ${x}`);
        const inside = await walkTree(src, { skip: (rel) => holes.has(path.posix.join(e.path, rel)) });
        for (const t of inside) {
          const kind = entryTypeOf(t.stats);
          if (isSpecial(kind)) holes.set(path.posix.join(e.path, t.rel), `${kind}: never copied`);
        }
      }
      if (holes.size === 0) await cp(['-T', src, path.join(dest, e.path)], e.path);
      else await copyAround(e.path, holes);
      result.copied.push({ path: e.path, how: e.how });
    }
    options.onProgress?.({ done: i + 1, total, path: e.path });
  }
  await flush();

  await cloneDirMetadata(paths, dest, [...made]);
  result.skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
  return result;
}
