// `sandbox exec`/`shell`, the facts: which process of the running sandbox to
// enter, its cgroup and bounding set, and --user as the sandbox resolves it.
// The main PID comes from systemd and is checked against the unit's cgroup, so
// a PID reused since (or a process that left the cgroup) is never entered.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConflictError, NotFoundError, UnavailableError, shown } from '../errors.js';
import { run } from '../exec.js';
import type { SystemdClient } from '../systemd/client.js';
import { cgroupMounts, defaultCgroup } from '../delete/processes.js';
import { boundingSetArg } from './plan.js';

export interface MainProcess {
  pid: number;
  cgroupProcs: string;
  capBnd: bigint;
}

export async function mainProcess(client: SystemdClient, sandbox: string, unit: string): Promise<MainProcess> {
  const state = await client.unitProperties(unit);
  const { mainPid } = await client.serviceProperties(unit);
  if (state.activeState !== 'active' || mainPid <= 0) {
    throw new ConflictError(`sandbox ${sandbox} is not running (${unit} is ${state.activeState}); start it with: sandbox start ${sandbox}`);
  }
  const cgroup = (await client.controlGroup(unit)) || defaultCgroup(await client.slice(unit), unit);
  const mounts = cgroupMounts(await fs.readFile('/proc/self/mountinfo', 'utf8'));
  let cgroupProcs: string | undefined;
  for (const m of mounts) {
    const procs = path.join(m, cgroup, 'cgroup.procs');
    if ((await fs.readFile(procs, 'utf8').catch(() => '')).split('\n').includes(String(mainPid))) cgroupProcs = procs;
  }
  if (!cgroupProcs) throw new ConflictError(`sandbox ${sandbox}: main PID ${mainPid} is not in ${unit}'s cgroup ${cgroup}; not entering it`);
  const status = await fs.readFile(`/proc/${mainPid}/status`, 'utf8').catch(() => '');
  const bnd = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  if (!bnd) throw new ConflictError(`sandbox ${sandbox}: main PID ${mainPid} is gone`);
  return { pid: mainPid, cgroupProcs, capBnd: BigInt('0x' + bnd) };
}

/** --user NAME or UID as the sandbox's own user database has it (getent inside its mount namespace, without capabilities). */
export async function resolveUser(p: MainProcess, sandbox: string, user: string): Promise<{ uid: number; gid: number }> {
  const r = await run('nsenter', [`--target=${p.pid}`, '--mount', '--', 'setpriv', `--bounding-set=${boundingSetArg(0n)}`, '--no-new-privs', '--', 'getent', 'passwd', user]);
  if (r.exitCode === 2) throw new NotFoundError(`sandbox ${sandbox} has no user ${shown(user)}`);
  const f = r.stdout.split('\n')[0]!.split(':');
  if (r.exitCode !== 0 || f.length < 4 || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) {
    throw new UnavailableError(`cannot look up user ${shown(user)} in sandbox ${sandbox}: getent exited ${r.exitCode}: ${r.stderr.trim()}`);
  }
  return { uid: Number(f[2]), gid: Number(f[3]) };
}
