// What the benchmarks share: a throwaway host with the fixture service
// installed, a timer, and the medians they report.
import { mkdtempSync, rmSync } from 'node:fs';
import { buildFixtureRpm } from '../test/fixtures/rpm/build.js';
import { bootSandboxHost, type SandboxHost } from '../test/integration/sandbox-host.js';

export async function withBenchHost<T>(name: string, fn: (h: SandboxHost) => Promise<T>): Promise<T> {
  const work = mkdtempSync('/var/tmp/sbx-bench-');
  const rpm = await buildFixtureRpm(work);
  const h = await bootSandboxHost(name, [work]);
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

export const SANDBOX = 'node /work/main/dist/src/cli.js';
