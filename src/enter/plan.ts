// `sandbox exec` and `sandbox shell`, the pure half: the facts about a running
// sandbox → the one command line that enters it. The command joins the
// sandbox unit's cgroup first (so stop and delete end it with the service),
// then its mount, network, IPC and UTS namespaces and its SELinux context
// (nsenter --follow-context), keeps at most its capability bounding set,
// gets no_new_privs, and runs in a Landlock domain of its own (not scoping
// signals: an admin's `kill -HUP` or `apachectl graceful` must reach the service).

export interface EnterFacts {
  /** The sandbox unit's main process: its namespaces and context are entered. */
  pid: number;
  /** Host path of the unit's cgroup.procs (cgroup v2). */
  cgroupProcs: string;
  /** The main process's capability bounding set (CapBnd in /proc/PID/status). */
  capBnd: bigint;
  /** --user, resolved inside the sandbox. */
  user?: { uid: number; gid: number };
  /** The installed Landlock helper, when there is one. */
  landlockHelper?: string;
  /** Give the command a terminal of its own (a new pty relayed by script(1)), never the caller's. */
  tty: boolean;
  command: string[];
}

/** The bounding set as setpriv takes it: everything off, then each held capability by number. */
export function boundingSetArg(capBnd: bigint): string {
  const held: string[] = [];
  for (let n = 0; n < 64; n++) if ((capBnd >> BigInt(n)) & 1n) held.push(`+cap_${n}`);
  return ['-all', ...held].join(',');
}

/** A word for sh -c: single-quoted unless it is plain. */
export function shellWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

export function enterArgv(f: EnterFacts): string[] {
  const inside = [
    'nsenter', `--target=${f.pid}`, '--mount', '--net', '--ipc', '--uts', '--follow-context', '--',
    'setpriv', `--bounding-set=${boundingSetArg(f.capBnd)}`, '--inh-caps=-all', '--no-new-privs',
    ...(f.user ? [`--reuid=${f.user.uid}`, `--regid=${f.user.gid}`, '--init-groups'] : []),
    '--',
    ...(f.landlockHelper ? [f.landlockHelper, '--'] : []),
    ...f.command,
  ];
  // The shell moves itself into the unit's cgroup, then becomes nsenter.
  const joined = ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', f.cgroupProcs, ...inside];
  // No terminal: a session of its own, so the command has no controlling terminal (no TIOCSTI into the caller's).
  if (!f.tty) return ['setsid', '--wait', ...joined];
  return ['script', '--quiet', '--return', '--command', joined.map(shellWord).join(' '), '/dev/null'];
}
