// The one place child processes are started. Output is captured, never inherited,
// so data on stdout stays ours; a missing program becomes an UnavailableError.
import { execa, type Options } from 'execa';
import { UnavailableError } from './errors.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function run(file: string, args: readonly string[], options: Options = {}): Promise<RunResult> {
  try {
    const r = await execa(file, args, { reject: false, stripFinalNewline: false, ...options });
    if ((r as { code?: string }).code === 'ENOENT' || (r.failed && r.exitCode === undefined && /ENOENT/.test(String(r.message)))) {
      throw new UnavailableError(`${file} is not installed (needed to run '${file} ${args.join(' ')}')`);
    }
    return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? 1 };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UnavailableError(`${file} is not installed`);
    }
    throw e;
  }
}

/** Is a program on PATH? */
export async function have(file: string): Promise<boolean> {
  const r = await execa('sh', ['-c', 'command -v "$1"', 'sh', file], { reject: false });
  return r.exitCode === 0;
}
