// What the benchmarks share: a throwaway host with the fixture service
// installed, a timer, and the medians they report.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { findProjectDir } from '../test/host/throwaway-host.js';
import { buildFixtureRpm } from '../test/fixtures/rpm/build.js';
import { bootSandboxHost, type SandboxHost } from '../test/integration/sandbox-host.js';

export async function withBenchHost<T>(name: string, fn: (h: SandboxHost) => Promise<T>): Promise<T> {
  const work = mkdtempSync('/var/tmp/sbx-bench-');
  const rpm = await buildFixtureRpm(work);
  // The CLI may be another checkout's (BENCH_CLI=/elsewhere/dist/src/cli.js, for before/after figures).
  const cliProject = findProjectDir(path.dirname(cliPath()));
  const h = await bootSandboxHost(name, cliProject === findProjectDir() ? [work] : [work, cliProject]);
  try {
    await h.ok(`rpm -i --nodeps ${rpm} && systemctl daemon-reload`);
    return await fn(h);
  } finally {
    await h.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Wall time of a shell script inside the host, in ms (measured inside, without nsenter's own cost). */
export async function timed(h: SandboxHost, script: string): Promise<number> {
  const out = await h.ok(`s=$(date +%s%N); { ${script}; } >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000 ))`);
  return Number(out.trim()) / 1000;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function figure(name: string, value: number, unit: string, target: string): void {
  console.log(`${name}: ${value.toFixed(unit === 'ms' ? 0 : 2)} ${unit} (target ${target})`);
}

/**
 * The CLI as admins run it: the esbuild bundle the RPM installs (`npm run bundle`
 * makes dist/sandbox.mjs). BENCH_CLI=dist/src/cli.js measures the tsc output
 * instead; an absolute BENCH_CLI, another checkout's (its checkout is bound into the host).
 */
export function cliPath(): string {
  const file = path.resolve(findProjectDir(), process.env.BENCH_CLI ?? 'dist/sandbox.mjs');
  if (!existsSync(file)) throw new Error(`${file} not found: run 'npm run bundle' first`);
  return file;
}

export const SANDBOX = `node ${cliPath()}`;
