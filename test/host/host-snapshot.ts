// What a test host could change on the machine it runs on, captured so a test
// can compare before boot with after stop: the mount table, and every entry
// under a few directories (type, mode, owner, size, mtime, link target).
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

export interface HostSnapshot {
  mounts: string[];
  files: Map<string, string>;
}

/**
 * Left out of the listing: files our own output goes to (the runner's log, a
 * CI step's output file), which grow while the test runs, and paths starting
 * with one of `skip`, for directories that other people's processes write
 * to meanwhile on a shared machine.
 */
export function snapshotHost(dirs = ['/tmp', '/run', '/etc'], skip: string[] = []): HostSnapshot {
  const exact = outputFiles();
  const skipped = (p: string) => exact.has(p) || skip.some((s) => p.startsWith(s));
  const files = new Map<string, string>();
  for (const dir of dirs) walk(dir, lstatSync(dir).dev, skipped, files);
  return { mounts: mountTable(), files };
}

/**
 * Paths other programs on this machine write while a test runs, whatever the
 * test host does: the workplace's own command runner keeps each command's
 * output under /tmp/bash_jobs.* and /tmp/bash_tool_* (CI's own output included).
 */
export const MACHINE_CHURN = ['/tmp/bash_jobs.', '/tmp/bash_tool_'];

/** MACHINE_CHURN and the prefixes in TESTHOST_SNAPSHOT_SKIP (comma-separated), e.g. '/tmp/ci-cache/,/tmp/tmp.'. */
export function skipFromEnv(): string[] {
  return [...MACHINE_CHURN, ...(process.env.TESTHOST_SNAPSHOT_SKIP ?? '').split(',').filter(Boolean)];
}

/** Differences as readable lines: '+ path', '- path', '~ path: before -> after'. */
export function diffSnapshots(before: HostSnapshot, after: HostSnapshot): string[] {
  const out: string[] = [];
  const a = countLines(before.mounts);
  const b = countLines(after.mounts);
  for (const [line, n] of a) if ((b.get(line) ?? 0) < n) out.push(`- mount ${line}`);
  for (const [line, n] of b) if ((a.get(line) ?? 0) < n) out.push(`+ mount ${line}`);
  for (const [p, v] of before.files) {
    const w = after.files.get(p);
    if (w === undefined) out.push(`- ${p}`);
    else if (w !== v) out.push(`~ ${p}: ${v} -> ${w}`);
  }
  for (const p of after.files.keys()) if (!before.files.has(p)) out.push(`+ ${p}`);
  return out;
}

/** Mount point, type, source and options of every mount this process sees. */
export function mountTable(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [left, right] = line.split(' - ') as [string, string];
      const f = left.split(' ');
      const [fstype, source, superOpts] = right.split(' ');
      return `${f[4]} ${fstype} ${source} ${f[5]} ${superOpts}`;
    });
}

/** PIDs of processes in the namespace that a /proc/PID/ns/KIND link names, e.g. 'pid:[4026532301]'. */
export function pidsInNamespace(kind: 'pid' | 'mnt', link: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (readlinkSync(`/proc/${entry}/ns/${kind}`) === link) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or a kernel thread
    }
  }
  return pids;
}

function walk(p: string, dev: number, skipped: (p: string) => boolean, out: Map<string, string>): void {
  if (skipped(p)) return;
  let st;
  try {
    st = lstatSync(p);
  } catch {
    return; // removed while we looked
  }
  const type = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : st.isFile() ? 'f' : 'o';
  const link = type === 'l' ? ` -> ${safe(() => readlinkSync(p))}` : '';
  const size = type === 'f' ? ` ${st.size}` : '';
  out.set(p, `${type} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}${size} ${st.mtimeMs}${link}`);
  // Like find -xdev: what is mounted below is covered by the mount table instead.
  if (type !== 'd' || st.dev !== dev) return;
  for (const name of safe(() => readdirSync(p)) ?? []) walk(path.join(p, name), dev, skipped, out);
}

/** Regular files that this process or one of its ancestors has open. */
function outputFiles(): Set<string> {
  const files = new Set<string>();
  for (let pid = process.pid; pid > 1; ) {
    for (const fd of safe(() => readdirSync(`/proc/${pid}/fd`)) ?? []) {
      const target = safe(() => readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (target?.startsWith('/') && safe(() => lstatSync(target).isFile())) files.add(target);
    }
    const stat = safe(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (!stat) break;
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return files;
}

function countLines(lines: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
