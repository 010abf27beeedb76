// Each test host gets a cgroup v2 directory of its own, entered before
// unshare(CLONE_NEWCGROUP). systemd inside then takes it for the root: its
// slices land there, not at the top of the host's hierarchy, and from a
// non-initial cgroup namespace it cannot change the host-wide cgroup2 mount
// options (a systemd without one set `nsdelegate` for the whole host).
// The directory is also how stray processes are killed and leftovers found.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const PREFIX = 'sandbox-testhost.';

/** The cgroup v2 directory this process is in, as a host path. */
export function ownCgroupDir(): string {
  const line = readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('0::'));
  const mount = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .find((f) => f[f.indexOf('-') + 1] === 'cgroup2');
  if (!line || !mount) throw new Error('the test host needs cgroup v2 mounted on this machine (no cgroup2 in /proc/self/mountinfo)');
  const own = line.slice(3);
  const [mountRoot, mountPoint] = [unescapeMountinfo(mount[3]!), unescapeMountinfo(mount[4]!)];
  const rel = own.startsWith(mountRoot) ? own.slice(mountRoot.length) : '';
  return path.join(mountPoint, rel);
}

/** Creates the cgroup for a test host; the name records our pid so leftovers can be told apart. */
export function createHostCgroup(name: string): string {
  const dir = path.join(ownCgroupDir(), `${PREFIX}${process.pid}.${name}`);
  mkdirSync(dir);
  return dir;
}

/** Kills whatever still runs in the cgroup tree, then removes it; false if it would not go. */
export async function removeHostCgroup(dir: string, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; existsSync(dir); attempt++) {
    try {
      removeTree(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EBUSY' || Date.now() > deadline) return false;
      if (attempt >= 3) killTree(dir);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return true;
}

/**
 * Removes test host cgroups whose owner process is gone (a harness killed
 * before stop()); returns the directories removed.
 */
export async function reapStaleHosts(): Promise<string[]> {
  const base = ownCgroupDir();
  const removed: string[] = [];
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith(PREFIX)) continue;
    const owner = Number(entry.name.slice(PREFIX.length).split('.')[0]);
    if (owner === process.pid || existsSync(`/proc/${owner}`)) continue;
    const dir = path.join(base, entry.name);
    if (await removeHostCgroup(dir)) removed.push(dir);
  }
  return removed;
}

/** Test host cgroups that exist now, all or those of one harness process (for tests that check for leftovers). */
export function listHostCgroups(ownerPid?: number): string[] {
  const base = ownCgroupDir();
  const prefix = ownerPid === undefined ? PREFIX : `${PREFIX}${ownerPid}.`;
  return readdirSync(base).filter((n) => n.startsWith(prefix)).map((n) => path.join(base, n));
}

function removeTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeTree(path.join(dir, entry.name));
  }
  rmdirSync(dir);
}

function killTree(dir: string): void {
  // cgroup.kill (Linux 5.14+) kills the whole subtree at once, racing no fork.
  if (existsSync(path.join(dir, 'cgroup.kill'))) {
    writeFileSync(path.join(dir, 'cgroup.kill'), '1');
    return;
  }
  for (const pid of readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) killTree(path.join(dir, entry.name));
  }
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}
