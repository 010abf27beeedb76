// `sandbox exec`/`shell`, the facts: which process of the running sandbox to
// enter, its cgroup, and --user as the sandbox resolves it.
// The main PID comes from systemd and is checked against the unit's cgroup, so
// a PID reused since (or a process that left the cgroup) is never entered.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConflictError, NotFoundError, UnavailableError, shown } from '../errors.js';
import { run } from '../exec.js';
import type { SystemdClient } from '../systemd/client.js';
import { cgroupMounts, defaultCgroup } from '../delete/processes.js';
import { enterArgv } from './plan.js';

export interface MainProcess {
  pid: number;
  cgroupProcs: string;
  /** The unit's own CapabilityBoundingSet= (hex, as ServiceProperties has it) and UMask=, from systemd: the command never gets more than the unit allows. */
  unitBounding: string;
  umask: number;
}

export async function mainProcess(client: SystemdClient, sandbox: string, unit: string): Promise<MainProcess> {
  const state = await client.unitProperties(unit);
  const { mainPid, capabilityBoundingSet, umask } = await client.serviceProperties(unit);
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
  return { pid: mainPid, cgroupProcs, unitBounding: capabilityBoundingSet, umask };
}

/** Who looks the user up inside: nobody, with no capabilities (the sandbox's NSS modules are its code). */
const NOBODY = { uid: 65534, gid: 65534, groups: [] };

/**
 * --user NAME or UID as the sandbox's own user database has it: its uid, gid
 * and groups (what initgroups(3) gives), looked up by getent inside the
 * sandbox as nobody, through the same helper as the command.
 */
export async function resolveUser(p: MainProcess, helper: string, sandbox: string, user: string): Promise<{ uid: number; gid: number; groups: number[] }> {
  // initgroups by the name passwd gives: --user may be a uid. getent's 2 (no such key) becomes 100, apart from the helper's own codes.
  const lookup = ['/bin/sh', '-c', 'e=$(getent passwd "$1"); rc=$?; [ $rc = 2 ] && exit 100; [ $rc = 0 ] || exit $rc; printf "%s\\n" "$e"; getent initgroups "${e%%:*}"', 'sh', user];
  const [file, ...args] = enterArgv({ ...p, helper, user: NOBODY, tty: false, command: lookup });
  // None of the admin's environment goes to the sandbox's code.
  const r = await run(file!, args, { onlyEnv: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' } });
  if (r.exitCode === 100) throw new NotFoundError(`sandbox ${sandbox} has no user ${shown(user)}`);
  const [passwd = '', initgroups = ''] = r.stdout.split('\n');
  const f = passwd.split(':');
  const groups = initgroups.trim().split(/\s+/).slice(1);
  if (r.exitCode !== 0 || f.length < 4 || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!) || !groups.every((g) => /^\d+$/.test(g))) {
    // What the sandbox wrote is shown escaped: it never reaches the admin's terminal as control sequences.
    throw new UnavailableError(`cannot look up user ${shown(user)} in sandbox ${sandbox}: the lookup exited ${r.exitCode}: ${shown(r.stderr.trim().slice(0, 500))}`);
  }
  const gid = Number(f[3]);
  return { uid: Number(f[2]), gid, groups: [...new Set([gid, ...groups.map(Number)])] };
}
