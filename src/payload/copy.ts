// EFFECTOR: copy a payload plan from the host into a tree that mirrors host
// paths (DEST/etc/apache2 for /etc/apache2), keeping everything an admin's
// `cp -a` keeps: type, mode, owner, group, times, xattrs (labels, ACLs,
// capabilities), hard links within one copy, and symlinks as symlinks.
//
// GNU cp does the copying (Node cannot copy xattrs). What cp cannot be told is
// done around it: directories that hold an exclude, a fifo, a socket or a
// device node are rebuilt one level at a time and their children copied
// except those; parents of entries are made with the host parents' metadata.
import { promises as fs, lstatSync, type Stats } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import { run } from '../exec.js';
import { isInside, type Paths } from '../paths.js';
import { entryTypeOf, isSpecial } from './file-type.js';
import type { CopyHow, PlanNote } from './rules.js';
import { walkTree } from './walk.js';
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
// Keep each cp's, getfattr's and touch loop's argument list well under the kernel's limit on a command line.
const BATCH = 500;

/**
 * What one copy asks of the shell, in order; one bash runs them all (a
 * process started by node costs 3-8 ms, by the shell far less).
 *  - tree: `cp -T SRC DEST` of a whole entry;
 *  - files: non-directories, by their paths under ROOT, to the same paths under
 *    DEST (cp --parents: one cp for all; the parents are made already), each
 *    as a cp of its own would copy it (--no-preserve=links: two entries that
 *    are hard links on the host do not become links);
 *  - into: the siblings of a rebuilt directory into it, in as few cp runs as
 *    fit (xargs), so hard links among them stay links;
 *  - xattrs: those of paths under ROOT onto the same paths under DEST
 *    (getfattr's dump of relative names is setfattr's input as it is);
 *  - times: `touch -c -r FROM TO` for each pair (to the nanosecond; fs.utimes takes a double).
 */
type Step =
  | { op: 'tree'; src: string; dest: string; what: string }
  | { op: 'files'; root: string; dest: string; rels: string[]; what: string }
  | { op: 'into'; dir: string; srcs: string[]; what: string }
  | { op: 'xattrs'; root: string; dest: string; rels: string[]; what: string }
  | { op: 'times'; pairs: [from: string, to: string][]; what: string };

// File names go to the shell NUL-separated on stdin, as bytes (a name that is
// not UTF-8 cannot be an argument: Node encodes arguments as UTF-8). bash's
// read takes one name at a time and hands it on as an argument, byte for byte.
// A list ends with an empty name. On a failure it prints the step's number.
const STEPS = `set -o pipefail
cp=(cp ${CP.join(' ')})
next() { IFS= read -r -d '' "$1"; }
list() { a=(); while next s && [ -n "$s" ]; do a+=("$s"); done; }
n=0
while next op; do
  n=$((n+1))
  case $op in
    tree) next s && next d && "\${cp[@]}" -T "$s" "$d" ;;
    files) next r && next d && list && (cd -- "$r" && "\${cp[@]}" --no-preserve=links --parents -t "$d" -- "\${a[@]}") ;;
    into) next d && list && printf '%s\\0' "\${a[@]}" | xargs -0 -r "\${cp[@]}" -t "$d" -- ;;
    xattrs) next r && next d && list && (cd -- "$r" && getfattr -h -d -m - -e hex -- "\${a[@]}") | (cd -- "$d" && setfattr -h --restore=-) ;;
    times) list && set -- "\${a[@]}" && while [ $# -gt 0 ] && touch -c -r "$1" "$2"; do shift 2; done && [ $# = 0 ] ;;
    *) false ;;
  esac || { echo "failed $n"; exit 1; }
done`;

const nulList = (names: readonly string[]) => Buffer.concat(names.flatMap((n) => [encodeName(n), Buffer.from([0])]));

function stepWords(s: Step): string[] {
  switch (s.op) {
    case 'tree':
      return [s.op, s.src, s.dest];
    case 'files':
      return [s.op, s.root, s.dest, ...s.rels, ''];
    case 'into':
      return [s.op, s.dir, ...s.srcs, ''];
    case 'xattrs':
      return [s.op, s.root, s.dest, ...s.rels, ''];
    case 'times':
      return [s.op, ...s.pairs.flat(), ''];
  }
}

function stepFailure(s: Step | undefined, stderr: string): SandboxError {
  const why = stderr.trim();
  if (!s) return new SandboxError(`copying failed: ${why}`);
  if (s.op === 'xattrs') return new SandboxError(`copying the xattrs of ${s.what} failed: ${why}`);
  if (s.op === 'times') return new SandboxError(`setting the times of ${s.what} failed: ${why}`);
  return new SandboxError(`copying ${s.what} failed: ${why}`);
}

/**
 * bash for the NUL-separated reads, with no startup file: its stdin is a
 * socket (node's pipe), and Debian's bash then reads ~/.bashrc as if sshd ran
 * it (seen: root's pyenv init waiting on its rehash lock stalled a create).
 */
async function runSteps(steps: readonly Step[]): Promise<void> {
  if (steps.length === 0) return;
  // LC_ALL=C: in a UTF-8 locale bash's read takes a byte like \xfd as the start of a character and swallows the NUL after it.
  const r = await run('bash', ['--norc', '--noprofile', '-c', STEPS], { input: nulList(steps.flatMap(stepWords)), env: { LC_ALL: 'C' } });
  if (r.exitCode === 0) return;
  const n = /^failed (\d+)$/m.exec(r.stdout);
  throw stepFailure(n ? steps[Number(n[1]) - 1] : undefined, r.stderr);
}

function chunks<T>(list: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

// The lstat calls here are synchronous: a copy makes one or more per entry, in
// turn, and the promise API costs several times the call itself.
function exists(file: string): boolean {
  try {
    lstatSync(fsPath(file));
    return true;
  } catch {
    return false;
  }
}

function isRealDir(file: string): boolean {
  return lstatSync(fsPath(file)).isDirectory();
}

/** The steps copying non-directories (plan paths) from the host to the same paths under dest, as `cp -T SRC DEST` each would. */
function fileSteps(paths: Paths, dest: string, files: readonly string[]): Step[] {
  if (files.length === 0) return [];
  const what = files.length === 1 ? files[0]! : `${files[0]!} and ${files.length - 1} more`;
  return chunks(files).map((c) => ({ op: 'files' as const, root: paths.host('/'), dest, rels: c.map((f) => f.slice(1)), what }));
}

/** A directory made in the copy gets its host directory's owner and mode at once (what is copied into it sets its own). */
async function cloneOwnerMode(paths: Paths, dest: string, d: string): Promise<void> {
  // stat, not lstat: a parent is what the path goes through
  const st = await fs.stat(fsPath(paths.host(d)));
  const to = fsPath(path.join(dest, d));
  await fs.lchown(to, st.uid, st.gid);
  await fs.chmod(to, st.mode & 0o7777);
}

/** The steps giving made directories their host directories' xattrs, then their times (after everything inside was written). */
function dirMetadataSteps(paths: Paths, dest: string, dirs: readonly string[]): Step[] {
  const steps: Step[] = [];
  // xattrs after the mode: a restored ACL then sets the group bits itself.
  for (const batch of chunks(dirs)) steps.push({ op: 'xattrs', root: paths.host('/'), dest, rels: batch.map((d) => d.slice(1)), what: batch.join(' ') });
  // Times last: nothing after this adds or removes a child.
  for (const batch of chunks(dirs)) steps.push({ op: 'times', pairs: batch.map((d) => [paths.host(d), path.join(dest, d)]), what: batch.join(' ') });
  return steps;
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

  // Steps wait to be run together until the end, or until a path a waiting
  // step would make must be looked at (an entry under one copied before it).
  let steps: Step[] = [];
  /** Plan paths under which waiting steps make directories. */
  let roots: string[] = [];
  const progress: CopyProgress[] = [];
  const runWaiting = async () => {
    await runSteps(steps);
    steps = [];
    roots = [];
    for (const p of progress.splice(0)) options.onProgress?.(p);
  };
  const queue = (step: Step, root?: string) => {
    steps.push(step);
    if (root !== undefined) roots.push(root);
  };

  const makeDir = async (p: string) => {
    await fs.mkdir(fsPath(path.join(dest, p)));
    await cloneOwnerMode(paths, dest, p);
    made.add(p);
    result.madeDirs.push(p);
  };

  const makeParents = async (p: string) => {
    if (roots.some((r) => isInside(r, p))) await runWaiting();
    const parts = p.split('/').filter(Boolean).slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = '/' + parts.slice(0, i).join('/');
      if (!exists(path.join(dest, dir))) await makeDir(dir);
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
      else if (isRealDir(paths.host(child)) && [...holes.keys()].some((h) => isInside(child, h))) {
        await copyAround(child, holes);
      } else plain.push(paths.host(child));
    }
    // One cp for the siblings (xargs splits only what does not fit), so hard links among them stay links.
    if (plain.length) queue({ op: 'into', dir: path.join(dest, dir), srcs: plain, what: dir }, dir);
  };

  const total = plan.entries.length;
  // Non-directories wait to be copied together, until a directory entry or the end.
  let pending: { entry: CopyEntry; done: number }[] = [];
  const flush = () => {
    // Non-directories make no directory: no root.
    for (const st of fileSteps(paths, dest, pending.map((p) => p.entry.path))) queue(st);
    for (const p of pending) {
      result.copied.push(p.entry);
      progress.push({ done: p.done, total, path: p.entry.path });
    }
    pending = [];
  };
  for (const [i, e] of plan.entries.entries()) {
    const src = paths.host(e.path);
    let st: Stats;
    try {
      st = lstatSync(fsPath(src));
    } catch {
      throw new SandboxError(`${e.path} is no longer on the host; make the plan again`);
    }
    const type = entryTypeOf(st);
    if (type === 'file' || type === 'symlink') {
      await makeParents(e.path);
      pending.push({ entry: { path: e.path, how: e.how }, done: i + 1 });
      continue;
    }
    flush();
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
      if (holes.size === 0) queue({ op: 'tree', src, dest: path.join(dest, e.path), what: e.path }, e.path);
      else await copyAround(e.path, holes);
      result.copied.push({ path: e.path, how: e.how });
    }
    progress.push({ done: i + 1, total, path: e.path });
  }
  flush();

  for (const st of dirMetadataSteps(paths, dest, [...made])) queue(st);
  await runWaiting();
  result.skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
  return result;
}
