// `sandbox exec` and `sandbox shell`, the pure half: the facts about a running
// sandbox → the one command line that enters it. Everything runs in the host
// helper sandbox-enter (sandbox-enter.c beside this file says what it does and
// in which order) until its exec of the command: nothing of the sandbox's view
// runs while the process still holds the host's privileges.

export interface EnterFacts {
  /** The sandbox unit's main process: its namespaces, bounding set and context are entered. */
  pid: number;
  /** Host path of the unit's cgroup.procs (cgroup v2). */
  cgroupProcs: string;
  /** The unit's CapabilityBoundingSet= in hex: the command's bounding set is the main process's within it. */
  unitBounding: string;
  /** The unit's UMask=. */
  umask: number;
  /** Host path of the installed sandbox-enter. */
  helper: string;
  /** The sandbox's SELinux context, for the command's exec; none when SELinux is off. */
  context?: string;
  /** --user, resolved inside the sandbox: uid, gid and every group (initgroups(3) of the sandbox's database). */
  user?: { uid: number; gid: number; groups: number[] };
  /** Give the command a terminal of its own (a new pty relayed by script(1)), never the caller's. */
  tty: boolean;
  command: string[];
}

/** A word for sh -c: single-quoted unless it is plain. */
export function shellWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The helper's --user value: UID:GID[:GROUP,...]. */
export function userArg(u: { uid: number; gid: number; groups: number[] }): string {
  return [u.uid, u.gid, ...(u.groups.length ? [u.groups.join(',')] : [])].join(':');
}

export function enterArgv(f: EnterFacts): string[] {
  const inside = [
    f.helper, '--target', String(f.pid), '--cgroup-procs', f.cgroupProcs,
    '--bounding', f.unitBounding, '--umask', f.umask.toString(8),
    ...(f.context ? ['--context', f.context] : []),
    ...(f.user ? ['--user', userArg(f.user)] : []),
    '--', ...f.command,
  ];
  // No terminal: the caller starts it as the leader of a session of its own (exec.ts runRelayed), so it has no controlling terminal (no TIOCSTI into the caller's).
  if (!f.tty) return inside;
  return ['script', '--quiet', '--return', '--command', inside.map(shellWord).join(' '), '/dev/null'];
}
