// Talks to the probe runner of an sbxescape sandbox through its tree, from the
// test host (outside the sandbox): a probe script goes into the queue, its
// output and exit status come back. The probe's own words are evidence only;
// every verdict is made from outside.
import type { SandboxHost } from '../sandbox-host.js';

/** What the corpus asks of a host: commands as root outside every sandbox, and the tool. */
export type ProbeHost = Pick<SandboxHost, 'exec' | 'sh' | 'ok' | 'sandbox' | 'mainPid'>;

export const TREE = (sandbox: string) => `/var/lib/sandbox/${sandbox}`;
/** The runner's state directory, as the test host sees it. */
export const STATE = (sandbox: string) => `${TREE(sandbox)}/var/lib/sbxescape`;

export interface ProbeRun {
  rc: number;
  out: string;
  /** What `watch` printed while the probe ran (one line per poll). */
  watched: string[];
}

export interface ProbeOptions {
  /** A shell snippet the test host runs every 0.1 s while the probe runs (e.g. read a victim's TracerPid). */
  watch?: string;
  timeoutMs?: number;
}

/** Queues `script` as probe `name` in `sandbox`'s runner and waits for its exit status. */
export async function runProbe(h: ProbeHost, sandbox: string, name: string, script: string, opts: ProbeOptions = {}): Promise<ProbeRun> {
  const q = `${STATE(sandbox)}/queue`;
  const put = await h.exec(['sh', '-c', 'cat > "$1.tmp" && mv "$1.tmp" "$1.sh"', 'sh', `${q}/${name}`], { input: script });
  if (put.exitCode !== 0) throw new Error(`could not queue probe ${name} in ${sandbox}: ${put.stderr}`);
  const polls = Math.ceil((opts.timeoutMs ?? 20_000) / 100);
  const wait = await h.exec([
    'sh', '-c',
    // the watch runs before each look at the exit status, so at least once
    `for i in $(seq ${polls}); do ${opts.watch ? `{ ${opts.watch}; } 2>&1 | sed 's/^/watch: /';` : ''} [ -e "$1.rc" ] && exit 0; sleep 0.1; done; exit 1`,
    'sh', `${q}/${name}`,
  ]);
  if (wait.exitCode !== 0) {
    const sofar = await h.exec(['cat', `${q}/${name}.out`]);
    throw new Error(`probe ${name} in ${sandbox} did not finish (is the runner running?); its output (cat exit ${sofar.exitCode}):\n${sofar.stdout}`);
  }
  const done = await h.exec(['sh', '-c', 'cat "$1.rc" "$1.out"', 'sh', `${q}/${name}`]);
  if (done.exitCode !== 0) throw new Error(`probe ${name} in ${sandbox}: cannot read its status and output: ${done.stderr}`);
  const rc = Number(done.stdout.slice(0, done.stdout.indexOf('\n')));
  const out = done.stdout.slice(done.stdout.indexOf('\n') + 1);
  const watched = wait.stdout.split('\n').filter((l) => l.startsWith('watch: ')).map((l) => l.slice(7));
  return { rc, out, watched };
}
