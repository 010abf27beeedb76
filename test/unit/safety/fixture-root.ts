// Shared by the safety tests: temp roots holding the sbxdemo RPM (built once
// per test file, copied per trial with `cp -a`) and the CLI run as a real
// process on them.
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../../src/exec.js';
import { buildFixtureRpm, installFixtureRpm } from '../../fixtures/rpm/build.js';

/** dist/src/cli.js, from dist/test/unit/safety/. */
export const CLI = fileURLToPath(new URL('../../../src/cli.js', import.meta.url));

/** What the fixture package installs: none of it may ever change. */
export const HOST_PATHS = [
  '/etc/sbxdemo',
  '/etc/logrotate.d/sbxdemo',
  '/var/lib/sbxdemo',
  '/var/log/sbxdemo',
  '/usr/lib/systemd/system/sbxdemo.service',
  '/usr/bin/sbxdemo',
];

export async function makeTmp(what: string, parent = os.tmpdir()): Promise<string> {
  return fs.mkdtemp(path.join(parent, `sbx-${what}-`));
}

/** A root with the sbxdemo package installed in a real rpm database: dir/fixture-root. */
export async function buildFixtureRoot(dir: string, buildDir = path.join(dir, 'build')): Promise<string> {
  const root = path.join(dir, 'fixture-root');
  await installFixtureRpm(await buildFixtureRpm(buildDir), root);
  return root;
}

/** cp -a keeps owners, modes, xattrs and the rpm database as they are. */
export async function copyRoot(from: string, to: string): Promise<string> {
  const r = await run('cp', ['-a', '--', from, to]);
  if (r.exitCode !== 0) throw new Error(`cp -a ${from} ${to} failed: ${r.stderr}`);
  return to;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  /** Run as nobody (setpriv), to test the checks for root. */
  asNobody?: boolean;
  /** Kill the process this many ms after it was spawned. */
  killAfterMs?: number;
}

function cliArgs(root: string | undefined, args: string[]): string[] {
  return [CLI, ...(root === undefined ? [] : ['--root', root]), ...args];
}

function spawnCli(root: string | undefined, args: string[], opts: CliOptions): ChildProcess {
  const env = { ...process.env, ...opts.env };
  if (!opts.env?.SANDBOX_CRASH_AT) delete env.SANDBOX_CRASH_AT;
  const [file, argv] = opts.asNobody
    ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...cliArgs(root, args)]]
    : [process.execPath, cliArgs(root, args)];
  return spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: os.tmpdir() });
}

/** Run `sandbox [--root ROOT] ARGS…` to its end (or its kill) and collect its output. */
export function sandbox(root: string | undefined, args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(root, args, opts);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = opts.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The lines of stderr that are errors: `sandbox: …` lines. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('sandbox: '));
}

/** Run fn over items, `width` at a time, in order of the items. */
export async function inPool<T, R>(items: readonly T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}
