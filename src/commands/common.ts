// What every command shares: the global options, and how a handler turns into an exit code.
import type { Argv } from 'yargs';
import { makePaths, type Paths } from '../paths.js';

export interface GlobalArgs {
  root?: string;
}

export interface JsonArgs {
  json?: boolean;
}

export function pathsOf(argv: GlobalArgs): Paths {
  return makePaths(argv.root);
}

export function withJson<T>(y: Argv<T>): Argv<T & JsonArgs> {
  return y.option('json', { type: 'boolean', describe: 'print machine-readable JSON on stdout' });
}

/** The exit code a handler wants, without calling process.exit (so buses can close). */
export function setExitCode(code: number): void {
  if (code > Number(process.exitCode ?? 0)) process.exitCode = code;
}

/** A repeatable option: yargs gives a string for one, an array for several. */
export function toList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
