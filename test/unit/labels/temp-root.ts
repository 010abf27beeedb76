// Temp roots for allocator tests, and a worker process that allocates labels.
import { spawn } from 'node:child_process';
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePaths, type Paths } from '../../../src/paths.js';
import { DEFAULT_TOOL_CONFIG, type ToolConfig } from '../../../src/config/tool-config.js';

export const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'alloc-worker.js');

export function tempRoot(): Paths {
  return makePaths(mkdtempSync(path.join(os.tmpdir(), 'sbx-labels-')));
}

export async function removeRoot(p: Paths): Promise<void> {
  await fs.rm(p.root, { recursive: true, force: true });
}

export function config(min: number, max: number, reserved: string[] = DEFAULT_TOOL_CONFIG.reserved): ToolConfig {
  return { ...DEFAULT_TOOL_CONFIG, categories: { min, max }, reserved };
}

/** Writes the tool config into the root, so worker processes see the same range. */
export async function writeConfig(p: Paths, min: number, max: number): Promise<void> {
  await fs.mkdir(p.configDir, { recursive: true });
  await fs.writeFile(path.join(p.configDir, 'sandbox.conf'), `[labels]\ncategories = ${min}-${max}\n`);
}

/** Deterministic PRNG (mulberry32) for reproducible property tests. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WorkerRun {
  pid: number;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; labels: string[] }>;
  kill(): void;
}

/** node alloc-worker.js ROOT COUNT PREFIX: allocates and commits COUNT labels, printing each. */
export function startWorker(root: string, count: number, prefix: string): WorkerRun {
  const child = spawn(process.execPath, [WORKER, root, String(count), prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; labels: string[] }>((resolve) =>
    child.on('close', (code, signal) => {
      if (code !== 0 && signal === null) process.stderr.write(`worker ${prefix}: ${err}`);
      resolve({ code, signal, labels: out.split('\n').filter(Boolean) });
    }),
  );
  return { pid: child.pid!, done, kill: () => child.kill('SIGKILL') };
}

/** uvu has no assert.rejects: the promise must reject with an error of that class or matching that pattern. */
export async function rejects(p: Promise<unknown>, expected: RegExp | (new (...a: never[]) => Error), what = ''): Promise<void> {
  const outcome: Error | undefined = await p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!outcome) throw new Error(`expected a rejection${what ? ` for ${what}` : ''}`);
  if (expected instanceof RegExp) {
    if (!expected.test(outcome.message)) throw new Error(`rejected with '${outcome.message}', expected ${expected}`);
  } else if (!(outcome instanceof expected)) {
    const e = outcome as Error;
    throw new Error(`rejected with ${e.constructor.name}: ${e.message}, expected ${expected.name}`);
  }
}
