// The one place child processes are started. Output is captured, never inherited,
// so data on stdout stays ours; a missing program becomes an UnavailableError.
// stdin is /dev/null unless input is given: a child never reads ours, and bash
// (built with SSH_SOURCE_BASHRC on Debian) sources ~/.bashrc when its stdin is
// a socket, which is what a Node pipe is (rpm's own macros run bash).
import { spawn } from 'node:child_process';
import { UnavailableError } from './errors.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  /** Written to the child's stdin, which is then closed. */
  input?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  cwd?: string;
}

export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: options.env ? { ...process.env, ...options.env } : process.env,
      cwd: options.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new UnavailableError(`${file} is not installed (needed to run '${file} ${args.join(' ')}')`) : e);
    });
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), exitCode: code ?? 1 }));
    if (options.input !== undefined) {
      // A child that exits without reading its input must not crash us with EPIPE.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(options.input);
    }
  });
}

/** Is a program on PATH? */
export async function have(file: string): Promise<boolean> {
  return (await run('sh', ['-c', 'command -v "$1"', 'sh', file])).exitCode === 0;
}
