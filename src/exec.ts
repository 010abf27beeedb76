// The one place child processes are started. Output is captured, never inherited,
// so data on stdout stays ours; a missing program becomes an UnavailableError.
// stdin is /dev/null unless input is given: a child never reads ours, and bash
// (built with SSH_SOURCE_BASHRC on Debian) sources ~/.bashrc when its stdin is
// a socket, which is what a Node pipe is (rpm's own macros run bash).
import { execa } from 'execa';
import { UnavailableError } from './errors.js';
import { decodeName } from './payload/bytes.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  /** Written to the child's stdin, which is then closed (bytes: file names that are not UTF-8); a function is given the child's pid first. */
  input?: string | Buffer | ((pid: number) => string | Buffer);
  /** stdout holds file names: bytes that are not UTF-8 are kept (payload/bytes.ts), not turned into U+FFFD. */
  namesOnStdout?: boolean;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** The child's whole environment (none of this process's): for children that run a sandbox's code. */
  onlyEnv?: Record<string, string>;
  cwd?: string;
}

export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const input = options.input;
  const child = execa(file, args, {
    reject: false,
    stripFinalNewline: false,
    ...(input === undefined ? { stdin: 'ignore' as const } : typeof input === 'function' ? { stdin: 'pipe' as const } : { input }),
    ...(options.env ? { env: options.env } : {}),
    ...(options.onlyEnv ? { env: options.onlyEnv, extendEnv: false } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.namesOnStdout ? { encoding: 'buffer' as const } : {}),
  });
  if (typeof input === 'function' && child.pid !== undefined) {
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input(child.pid));
  }
  const r = await child;
  if (r.failed && r.exitCode === undefined && (r as { code?: string }).code === 'ENOENT') {
    throw new UnavailableError(`${file} is not installed (needed to run '${file} ${args.join(' ')}')`);
  }
  // With encoding 'buffer', execa gives a Uint8Array.
  const bytes = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : undefined);
  const text = (v: unknown) => bytes(v)?.toString('utf8') ?? String(v ?? '');
  const out = bytes(r.stdout);
  const stdout = out ? decodeName(out) : text(r.stdout);
  return { stdout, stderr: text(r.stderr), exitCode: r.exitCode ?? 1 };
}

/** Is a program on PATH? */
export async function have(file: string): Promise<boolean> {
  return (await run('sh', ['-c', 'command -v "$1"', 'sh', file])).exitCode === 0;
}

/**
 * Runs argv with the caller's stdin, stdout and stderr and a clean environment,
 * and resolves to its exit status (128 + N when signal N ended it). SIGINT,
 * SIGTERM and SIGHUP sent to this process are passed on to it.
 */
export async function runAttached(argv: string[], env: Record<string, string>): Promise<number> {
  const { spawn } = await import('node:child_process');
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env });
  return supervise(argv, child, child.pid!);
}

/**
 * Like runAttached without a terminal, but the command's stdin, stdout and
 * stderr are socket pairs this process relays to and from its own, made in
 * socketContext when given (selinux/sockcreate.ts). The command leads a
 * session of its own. Its exit ends the relay: what it wrote is read to the
 * end, and a process it left behind holding its output does not keep us.
 */
export async function runRelayed(argv: string[], env: Record<string, string>, socketContext?: string): Promise<number> {
  const { spawn } = await import('node:child_process');
  const { withSocketContext } = await import('./selinux/sockcreate.js');
  let started: import('node:child_process').ChildProcessWithoutNullStreams | undefined;
  const start = () => (started = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env, detached: true }));
  let child: import('node:child_process').ChildProcessWithoutNullStreams;
  try {
    child = socketContext ? withSocketContext(socketContext, start) : start();
  } catch (e) {
    // Putting the socket context back failed after the command started: it is not left running unwatched.
    if (started?.pid) signalQuietly(-started.pid, 'SIGKILL');
    throw e;
  }
  // The command may stop reading before our stdin ends: that is its business, not an error.
  child.stdin.on('error', () => undefined);
  process.stdin.pipe(child.stdin);
  child.stdout.pipe(process.stdout, { end: false });
  child.stderr.pipe(process.stderr, { end: false });
  try {
    const code = await supervise(argv, child, -child.pid!);
    await drained([child.stdout, child.stderr]);
    return code;
  } finally {
    process.stdin.unpipe(child.stdin);
    process.stdin.destroy();
    child.stdout.destroy();
    child.stderr.destroy();
  }
}

/** Both streams ended, or nothing came on them for a moment (a process left behind holds them open). */
function drained(streams: import('node:stream').Readable[]): Promise<void> {
  const open0 = streams.filter((s) => !s.readableEnded);
  if (!open0.length) return Promise.resolve();
  return new Promise((resolve) => {
    let open = open0.length;
    let timer: NodeJS.Timeout;
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(resolve, 300);
    };
    for (const s of open0) {
      s.on('data', idle);
      s.on('end', () => {
        if (--open === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
    idle();
  });
}

/** The child's exit status (128 + N when signal N ended it); SIGINT, SIGTERM and SIGHUP to us go to target (a pid, or -pgid) meanwhile. */
async function supervise(argv: string[], child: import('node:child_process').ChildProcess, target: number): Promise<number> {
  const { constants } = await import('node:os');
  const forward = (sig: NodeJS.Signals) => signalQuietly(target, sig);
  const sigs: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of sigs) process.on(s, forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'ENOENT' ? new UnavailableError(`${argv[0]} is not installed (needed to run '${argv.join(' ')}')`) : e),
      );
      child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    for (const s of sigs) process.off(s, forward);
  }
}

/** Sends sig to target (a pid, or -pgid); one that is already gone is no error. */
function signalQuietly(target: number, sig: NodeJS.Signals): void {
  try {
    process.kill(target, sig);
  } catch {
    // already gone
  }
}
