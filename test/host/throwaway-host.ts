// A throwaway systemd host for integration tests.
//
// systemd is not PID 1 where we build and test, so bootHost() boots a real
// systemd as PID 1 of fresh mount, pid, uts, ipc, net and cgroup namespaces,
// on an overlay of the host's root whose writable layer is a tmpfs: whatever
// the test host writes lives in RAM and goes away with its mount namespace.
// test/host/boot.sh builds that root. Why it is built the way it is:
// - an overlay, never the real root: systemd-tmpfiles at boot emptied the
//   host's /tmp when systemd was started on it;
// - pivot_root, not chroot: the kernel refuses to create user namespaces
//   inside a chroot, so units with PrivateUsers= fail with 217/USER;
// - fresh proc with /proc/sys read-only (sysctls are host-wide; systemd-sysctl
//   would set the host's), fresh read-only sysfs, and a cgroup of its own
//   (see cgroup.ts);
// - a small /dev of its own instead of the host's: with the host's /dev bound
//   in, systemd put /dev/log and /dev/initctl into it and started gettys on the
//   machine's real console and tty1;
// - systemd runs without CAP_SYS_MODULE, SYS_TIME, SYSLOG and SYS_RAWIO:
//   modules, the clock, the kernel log and debugfs are shared with the host.
// The project checkout is bound read-only at its own path, so
// `node <projectDir>/dist/src/cli.js` runs inside; exec() enters every
// namespace with nsenter. The test host dies with this process: setpriv gives
// unshare a parent-death SIGKILL, and unshare --kill-child passes it to systemd.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { createHostCgroup, reapStaleHosts, removeHostCgroup } from './cgroup.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ExecOptions {
  input?: string;
  env?: Record<string, string>;
  /** Default 120 s. A command still running then is killed and exec() throws. */
  timeoutMs?: number;
}

export interface BootOptions {
  /** Bound read-only at the same path inside. Default: the checkout this file belongs to. */
  projectDir?: string;
  /** How long to wait for `running`/`degraded`. Default 60 s. */
  timeoutMs?: number;
  /** Hostname and $container of the test host. Default 'sandbox-test'. */
  name?: string;
  /** More host directories to bind read-only at the same path. */
  bind?: string[];
  /** Units to mask inside. Default: the network wait-online services (the test host only has lo). */
  mask?: string[];
  /** Host directories whose contents are copied over the test host's root before it boots (files a previous host left). */
  seed?: string[];
  /** Install the checkout's built helpers (sandbox-landlock, sandbox-enter) where the package puts them (default true; needs `npm run build`). */
  landlockHelper?: boolean;
}

/** Where npm run build compiles the helpers, and where the RPM installs them (src/landlock/helper.ts). */
const BUILT_HELPERS = 'dist/libexec';
const INSTALLED_HELPERS = '/usr/libexec/sandbox';
const HELPERS = ['sandbox-landlock', 'sandbox-enter'];

export interface TestHost {
  readonly name: string;
  /** Host PID of the systemd running as PID 1 inside. */
  readonly pid: number;
  /** For host-side D-Bus clients (dbus-next honours DBUS_SYSTEM_BUS_ADDRESS). */
  readonly busAddress: string;
  /** The host's view of the test host's filesystem. */
  readonly rootPath: string;
  /** The test host's cgroup, as a host path. */
  readonly cgroupPath: string;
  /** Boot jobs that never finished and were cancelled so the boot could complete. */
  readonly cancelledJobs: readonly string[];
  /** Runs argv inside (all namespaces, its root and cwd, a clean env); never throws on a non-zero exit. */
  exec(argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  sh(script: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Ends commands still running, halts systemd and waits for everything to end; idempotent. */
  stop(): Promise<void>;
}

const STANDARD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DEFAULT_MASK = ['systemd-networkd-wait-online.service', 'NetworkManager-wait-online.service'];
// systemd halts on SIGRTMIN+3; Node has no name for it, and glibc's SIGRTMIN is 34.
const SIGRTMIN_PLUS_3 = 37;
const HALT_WAIT_MS = 30_000;
const KILL_WAIT_MS = 10_000;
/** A boot still "starting" after this long, bus up, is waiting on a job that will not finish. */
const STALLED_BOOT_MS = 20_000;
const OUTPUT_TAIL = 16 * 1024;

const harnessDir = path.dirname(fileURLToPath(import.meta.url));
let hostCount = 0;

/** The nearest directory at or above `from` holding a package.json (from dist/test/host too). */
export function findProjectDir(from = harnessDir): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (dir === path.dirname(dir)) throw new Error(`no package.json above ${from}`);
  }
}

function builtHelper(projectDir: string, name: string): string {
  const p = path.join(projectDir, BUILT_HELPERS, name);
  if (!existsSync(p)) throw new Error(`${p} is missing: run npm run build (it compiles the helpers)`);
  return p;
}

export async function bootHost(opts: BootOptions = {}): Promise<TestHost> {
  if (process.getuid?.() !== 0) throw new Error('booting a test host needs root');
  const name = opts.name ?? 'sandbox-test';
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) throw new Error(`test host name '${name}' is not a valid hostname`);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const bootScript = path.join(findProjectDir(), 'test/host/boot.sh');
  const projectDir = realpathSync(opts.projectDir ?? findProjectDir());
  const node = nodeSetup();
  const binds = [projectDir, ...node.binds, ...(opts.bind ?? []).map((b) => realpathSync(b))];
  const stage = pickStage([bootScript, node.realPath, ...binds, ...(opts.seed ?? [])]);
  const args = [
    ...binds.flatMap((b) => ['-b', b]),
    ...(opts.mask ?? DEFAULT_MASK).flatMap((u) => ['-m', u]),
    ...(opts.seed ?? []).flatMap((d) => ['-s', realpathSync(d)]),
    ...(opts.landlockHelper === false ? [] : HELPERS.flatMap((n) => ['-i', `${builtHelper(projectDir, n)}:${INSTALLED_HELPERS}/${n}`])),
  ];

  await reapStaleHosts();
  const cgroup = createHostCgroup(`${name}.${++hostCount}`);
  // setpriv first, so that the parent-death signal covers everything after it.
  const child = spawn(
    'setpriv',
    ['--pdeathsig', 'KILL', '--', 'sh', '-c', 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"', 'sh', cgroup,
      'unshare', '--mount', '--pid', '--fork', '--uts', '--ipc', '--net', '--cgroup', '--propagation', 'private',
      '--kill-child', 'sh', bootScript, name, stage, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: STANDARD_PATH } },
  );
  const host = new Host(name, child, cgroup, { PATH: node.path, HOME: '/root', LANG: 'C.UTF-8' });
  try {
    await host.waitUntilBooted(timeoutMs);
    await host.checkNode(node.realPath);
    return host;
  } catch (e) {
    await host.stop().catch(() => {});
    throw e;
  }
}

/** Boots a test host, runs fn with it, and always stops it. */
export async function withHost<T>(fn: (host: TestHost) => Promise<T>, opts?: BootOptions): Promise<T> {
  const host = await bootHost(opts);
  try {
    return await fn(host);
  } finally {
    await host.stop();
  }
}

class Host implements TestHost {
  private systemdPid = 0;
  private output = '';
  private stopping?: Promise<void>;
  private readonly exited: Promise<string>;
  private exitedWith?: string;
  /** exec() calls in flight, by nsenter pid. */
  private readonly running = new Map<number, Promise<unknown>>();
  /** Boot jobs that never finished and were cancelled (waitUntilBooted). */
  readonly cancelledJobs: string[] = [];

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly cgroupPath: string,
    private readonly env: Record<string, string>,
  ) {
    this.exited = new Promise((resolve) => {
      child.on('error', (e) => resolve((this.exitedWith = `could not start: ${e.message}`)));
      child.on('exit', (code, signal) => resolve((this.exitedWith = signal ? `killed by ${signal}` : `exit code ${code}`)));
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (d: Buffer) => {
        this.output = (this.output + d.toString()).slice(-OUTPUT_TAIL);
      });
      // A forgotten host must not keep Node alive: when Node exits, the host dies with it.
      (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
    child.unref();
  }

  get pid(): number {
    return this.systemdPid;
  }
  get rootPath(): string {
    return `/proc/${this.systemdPid}/root`;
  }
  get busAddress(): string {
    return `unix:path=${this.rootPath}/run/dbus/system_bus_socket`;
  }

  async exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (!this.systemdPid || this.exitedWith || this.stopping) throw new Error(`test host ${this.name} is not running`);
    const timeoutMs = opts.timeoutMs ?? 120_000;
    // A cgroup inside the test host's, so /proc/self/cgroup inside reads /testhost-exec, not /..
    // (only cosmetic: the command runs even if the move fails)
    const cgroup = path.join(this.cgroupPath, 'testhost-exec');
    mkdirSync(cgroup, { recursive: true });
    const nsenter = ['nsenter', '-t', String(this.systemdPid), '-m', '-u', '-i', '-n', '-p', '-C', '-r', '-w', '--', ...argv];
    const sub = execa('sh', ['-c', '{ echo $$ > "$0/cgroup.procs"; } 2>/dev/null; exec "$@"', cgroup, ...nsenter], {
      reject: false,
      stripFinalNewline: false,
      extendEnv: false,
      env: { ...this.env, ...opts.env },
      ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
      detached: true, // a process group of its own, for endCommand(); sh execs nsenter, keeping the pid
    });
    const nsenterPid = sub.pid!;
    this.running.set(nsenterPid, sub);
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    // Resolves once the command is killed, or after a grace period: a daemon it
    // started may hold its output open.
    const expired = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        void endCommand(nsenterPid, sub, 2000).then(() => resolve(undefined));
      }, timeoutMs);
    });
    try {
      const r = await Promise.race([sub, expired]);
      const out = { stdout: String(r?.stdout ?? ''), stderr: String(r?.stderr ?? '') };
      if (timedOut || !r) {
        throw new Error(`'${argv.join(' ')}' in test host ${this.name} timed out after ${timeoutMs} ms\nstdout: ${out.stdout}\nstderr: ${out.stderr}`);
      }
      if (r.exitCode !== undefined) return { ...out, exitCode: r.exitCode };
      // nsenter re-raises the signal that killed the command: report it the way a shell does.
      const signo = r.signal ? constants.signals[r.signal as keyof typeof constants.signals] : undefined;
      if (signo !== undefined) return { ...out, exitCode: 128 + signo };
      throw new Error(`could not run '${argv.join(' ')}' in test host ${this.name}: ${r.message}`);
    } finally {
      clearTimeout(timer);
      this.running.delete(nsenterPid);
    }
  }

  sh(script: string, opts?: ExecOptions): Promise<ExecResult> {
    return this.exec(['sh', '-c', script], opts);
  }

  stop(): Promise<void> {
    return (this.stopping ??= this.halt());
  }

  /** Polls until systemd reports running or degraded and the system bus socket exists. */
  async waitUntilBooted(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // A job that never finishes (samba's nmbd with only lo) keeps the state at
    // 'starting': after this long with the bus up, the queued jobs are cancelled.
    const stallAt = Date.now() + Math.min(STALLED_BOOT_MS, timeoutMs / 2);
    let state = 'not started';
    for (;;) {
      if (this.exitedWith) throw new Error(`test host ${this.name} ended while booting (${this.exitedWith}):\n${this.output}`);
      if (!this.systemdPid) this.systemdPid = childOf(this.child.pid!) ?? 0;
      if (this.systemdPid && comm(this.systemdPid) === 'systemd') {
        const r = await this.exec(['systemctl', 'is-system-running'], { timeoutMs: Math.max(1000, deadline - Date.now()) });
        state = (r.stdout.trim() || r.stderr.trim()).split('\n')[0]!;
        const bus = existsSync(`${this.rootPath}/run/dbus/system_bus_socket`);
        if ((state === 'running' || state === 'degraded') && bus) return;
        if (!bus) state += ' (no D-Bus socket yet)';
        if (state === 'maintenance') break;
        if (state === 'starting' && bus && Date.now() > stallAt) await this.cancelStalledJobs();
      }
      if (Date.now() > deadline) break;
      await sleep(100);
    }
    throw new Error(`test host ${this.name} did not boot within ${timeoutMs} ms: last state '${state}'\n${await this.diagnostics()}`);
  }

  /** Cancels every queued boot job; what was cancelled is kept in cancelledJobs. */
  private async cancelStalledJobs(): Promise<void> {
    const jobs = await this.exec(['systemctl', 'list-jobs', '--no-legend', '--no-pager'], { timeoutMs: 10_000 });
    const cancel = await this.exec(['systemctl', 'cancel'], { timeoutMs: 10_000 });
    if (cancel.exitCode !== 0) throw new Error(`test host ${this.name}: systemctl cancel exited ${cancel.exitCode}: ${cancel.stderr}`);
    this.cancelledJobs.push(...jobs.stdout.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/)[1]!));
  }

  /** The node running these tests must run inside too. */
  async checkNode(realPath: string): Promise<void> {
    const r = await this.exec(['node', '-e', 'process.stdout.write(process.version)']);
    if (r.exitCode !== 0 || r.stdout !== process.version) {
      throw new Error(`node ${process.version} (${realPath}) is not usable inside test host ${this.name}: exit ${r.exitCode} ${r.stdout}${r.stderr}`);
    }
  }

  private async diagnostics(): Promise<string> {
    // Not before systemd runs: until boot.sh's pivot_root, nsenter -r would enter the machine's root.
    const up = this.systemdPid && !this.exitedWith && comm(this.systemdPid) === 'systemd';
    const show = (argv: string[]) =>
      up ? this.exec(argv, { timeoutMs: 10_000 }).then((r) => r.stdout + r.stderr, (e: Error) => e.message) : '(systemd is not running yet)\n';
    const failed = await show(['systemctl', '--failed', '--no-pager', '--plain']);
    const jobs = await show(['systemctl', 'list-jobs', '--no-pager']);
    return `systemctl --failed:\n${failed}\nsystemctl list-jobs:\n${jobs}\nboot output:\n${this.output}`;
  }

  private async halt(): Promise<void> {
    // Before the halt: systemd-shutdown SIGSTOPs every process, and an nsenter
    // whose command stops stops itself too, forever, pinning the namespaces.
    await Promise.all([...this.running].map(([pid, done]) => endCommand(pid, done, KILL_WAIT_MS)));
    if (!this.exitedWith) {
      if (this.systemdPid) signal(this.systemdPid, SIGRTMIN_PLUS_3);
      else this.child.kill('SIGKILL');
      if (!(await settlesWithin(this.exited, HALT_WAIT_MS))) {
        // Killing PID 1 of a pid namespace kills everything in it.
        if (this.systemdPid) signal(this.systemdPid, 'SIGKILL');
        this.child.kill('SIGKILL');
        await settlesWithin(this.exited, KILL_WAIT_MS);
      }
    }
    const removed = await removeHostCgroup(this.cgroupPath);
    if (!this.exitedWith || !removed) {
      throw new Error(`test host ${this.name} (pid ${this.systemdPid}) did not end cleanly: ${this.exitedWith ?? 'still running'}, cgroup ${removed ? 'removed' : `left at ${this.cgroupPath}`}`);
    }
  }
}

/** PATH for commands inside, and what must be bound for this node to run there. */
function nodeSetup(): { realPath: string; path: string; binds: string[] } {
  const realPath = realpathSync(process.execPath);
  const dirs = [path.dirname(process.execPath), path.dirname(realPath)];
  const extra = dirs.filter((d, i) => dirs.indexOf(d) === i && !STANDARD_PATH.split(':').includes(d));
  // The overlay shows the host's root filesystem only: a node on another mount needs its prefix bound.
  const binds = statSync(realPath).dev === statSync('/').dev ? [] : [path.dirname(path.dirname(realPath))];
  return { realPath, path: [...extra, STANDARD_PATH].join(':'), binds };
}

/** A directory the tmpfs holding the overlay can hide, in our mount namespace only. */
function pickStage(needed: string[]): string {
  const inside = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);
  for (const dir of ['/mnt', '/media', '/srv', '/opt', '/run']) {
    if (existsSync(dir) && statSync(dir).isDirectory() && !needed.some((p) => inside(p, dir))) return dir;
  }
  throw new Error(`no directory to stage the test host in: /mnt, /media, /srv, /opt and /run all hold one of ${needed.join(', ')}`);
}

/**
 * Kills the command that nsenter runs, and only then nsenter if it is still
 * there: a command outliving nsenter is adopted by the machine's init (its
 * parent's pid namespace decides), and systemd-shutdown, never told when such
 * a process ends, waits 10 s before it notices. Repeats until `done` settles,
 * as nsenter may not have started the command yet.
 */
async function endCommand(nsenterPid: number, done: Promise<unknown>, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  let ended = false;
  while (!ended && Date.now() < deadline) {
    for (const { pid, ppid, pgrp } of processes()) {
      if (pid !== nsenterPid && (ppid === nsenterPid || pgrp === nsenterPid)) signal(pid, 'SIGKILL');
    }
    ended = await settlesWithin(done, 50);
  }
  if (!ended) signal(nsenterPid, 'SIGKILL');
}

function childOf(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0];
    return first ? Number(first) : undefined;
  } catch {
    return processes().find((p) => p.ppid === pid)?.pid; // no CONFIG_PROC_CHILDREN
  }
}

function processes(): { pid: number; ppid: number; pgrp: number }[] {
  const out: { pid: number; ppid: number; pgrp: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // after "pid (comm) ": state ppid pgrp ...; comm may contain spaces and parentheses
      const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function signal(pid: number, sig: NodeJS.Signals | number): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Resolves true if p settles within ms. The timer also keeps Node alive while we wait. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
