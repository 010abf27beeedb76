// Before a sandbox's files go, none of its processes may be left: one left
// running (vendor KillMode=process, or one that moved itself to another
// cgroup) could swap a directory of the tree for a link while it is removed.
// So every unit is stopped (even an inactive or failed one: its cgroup may
// still hold processes), its whole cgroup is sent SIGKILL through systemd, and
// the cgroup is then read directly, in every hierarchy that tracks it (on a
// hybrid host both /sys/fs/cgroup/unified/… and /sys/fs/cgroup/systemd/…),
// together with every process still in a mount namespace the unit's processes
// had (one that left the cgroup keeps the sandbox's mount namespace).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConflictError } from '../errors.js';
import type { SystemdClient } from '../systemd/client.js';

const SIGKILL = 9;
const WAIT_MS = 5_000;
const POLL_MS = 50;

/** cgroup2 mounts and the cgroup v1 name=systemd mount, from a mountinfo text. */
export function cgroupMounts(mountinfo: string): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const [fstype, , superopts = ''] = post.split(' ');
    const mountPoint = pre.split(' ')[4];
    if (!mountPoint) continue;
    if (fstype === 'cgroup2' || (fstype === 'cgroup' && superopts.split(',').includes('name=systemd'))) out.push(unescapeMountinfo(mountPoint));
  }
  return out;
}

function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** systemd's cgroup path of a unit in a slice: a-b.slice → /a.slice/a-b.slice/UNIT. */
export function defaultCgroup(slice: string, unit: string): string {
  const parts = slice.replace(/\.slice$/, '').split('-');
  const levels = parts.map((_, i) => `${parts.slice(0, i + 1).join('-')}.slice`);
  return '/' + [...(slice === '-.slice' ? [] : levels), unit].join('/');
}

async function readPids(file: string): Promise<number[]> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number);
}

/** Every pid in the cgroup and the cgroups below it, in every mount. */
async function pidsIn(mounts: string[], cgroup: string): Promise<Set<number>> {
  const out = new Set<number>();
  const visit = async (dir: string): Promise<void> => {
    for (const pid of await readPids(path.join(dir, 'cgroup.procs'))) out.add(pid);
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isDirectory()) await visit(path.join(dir, e.name));
  };
  for (const m of mounts) await visit(path.join(m, cgroup));
  return out;
}

async function mountNs(pid: number | 'self'): Promise<string | undefined> {
  return fs.readlink(`/proc/${pid}/ns/mnt`).catch(() => undefined);
}

async function pidsInNamespaces(namespaces: Set<string>): Promise<Set<number>> {
  const out = new Set<number>();
  if (!namespaces.size) return out;
  for (const n of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    const ns = await mountNs(Number(n));
    if (ns && namespaces.has(ns)) out.add(Number(n));
  }
  return out;
}

async function comm(pid: number): Promise<string> {
  return (await fs.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stop the unit, SIGKILL its whole cgroup, wait until it is empty; a process
 * that survives, or keeps the unit's mount namespace outside its cgroup, is a
 * conflict: the caller deletes nothing.
 */
export async function endUnitProcesses(client: SystemdClient, sandbox: string, unit: string): Promise<void> {
  const mounts = cgroupMounts(await fs.readFile('/proc/self/mountinfo', 'utf8'));
  const cgroup = (await client.controlGroup(unit)) || defaultCgroup(await client.slice(unit), unit);
  const own = await mountNs('self');
  const namespaces = new Set<string>();
  for (const pid of await pidsIn(mounts, cgroup)) {
    const ns = await mountNs(pid);
    if (ns && ns !== own) namespaces.add(ns);
  }
  // A unit whose file is gone (not-found) cannot be stopped; it may still have processes, and the kill reaches them.
  if ((await client.unitProperties(unit)).loadState === 'loaded') await client.stop(unit);
  // Fails when nothing is left to signal: what counts is what is read below.
  await client.killUnit(unit, 'all', SIGKILL).catch(() => undefined);
  const deadline = Date.now() + WAIT_MS;
  let left: number[] = [];
  for (;;) {
    const pids = new Set([...(await pidsIn(mounts, cgroup)), ...(await pidsInNamespaces(namespaces))]);
    left = [...pids].filter((p) => p !== process.pid);
    // One that left the cgroup is not killed here: it escaped, and the admin must look at it.
    if (!left.length || Date.now() > deadline) break;
    await sleep(POLL_MS);
  }
  if (left.length) {
    const named = await Promise.all(left.slice(0, 3).map(async (p) => `${p} (${await comm(p)})`));
    throw new ConflictError(`sandbox '${sandbox}': process ${named.join(', ')} of ${unit} is still running after the unit was stopped and killed; not deleting`);
  }
}
