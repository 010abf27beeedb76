// What the benchmarks share: a throwaway host with the fixture service
// installed, a timer that fails loudly when what it timed failed, the checks
// that a timed sandbox really runs and answers, and figures whose verdict
// against their target is computed here, never written by hand.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { findProjectDir } from '../test/host/throwaway-host.js';
import { buildFixtureRpm } from '../test/fixtures/rpm/build.js';
import { bootSandboxHost, type SandboxHost } from '../test/integration/sandbox-host.js';

/** Anything that runs a shell script and gives its exit status and output. */
export interface Shell {
  sh(script: string): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export class BenchFailure extends Error {}

export async function withBenchHost<T>(name: string, fn: (h: SandboxHost) => Promise<T>): Promise<T> {
  if (!existsSync(cliPath())) throw new BenchFailure(`${cliPath()} not found: run 'npm run bundle' first`);
  const work = mkdtempSync('/var/tmp/sbx-bench-');
  const rpm = await buildFixtureRpm(work);
  // The CLIs may be another checkout's (BENCH_CLI=/elsewhere/dist/src/cli.js, for before/after figures; BENCH_BEFORE for pairs.ts).
  const others = [cliPath(), ...(process.env.BENCH_BEFORE ? [beforePath()] : [])].map((c) => findProjectDir(path.dirname(c))).filter((d) => d !== findProjectDir());
  const h = await bootSandboxHost(name, [work, ...new Set(others)]);
  try {
    await h.ok(`rpm -i --nodeps ${rpm} && systemctl daemon-reload`);
    return await fn(h);
  } finally {
    await h.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

const short = (s: string) => (s.length > 300 ? s.slice(0, 300) + '…' : s);

/** Runs a script and returns its stdout; a non-zero exit is a BenchFailure naming the script. */
export async function must(sh: Shell, script: string): Promise<string> {
  const r = await sh.sh(script);
  if (r.exitCode !== 0) throw new BenchFailure(`'${short(script)}' exited ${r.exitCode}: ${short((r.stdout + r.stderr).trim())}`);
  return r.stdout;
}

/**
 * Wall time of a shell script inside the host, in ms (measured inside, without
 * nsenter's own cost). Its output goes to a file, read back only when it
 * failed: a failed run is never a figure.
 */
export async function timed(sh: Shell, script: string): Promise<number> {
  const r = await sh.sh(
    `o=$(mktemp); s=$(date +%s%N); ( ${script} ) >"$o" 2>&1; rc=$?; e=$(date +%s%N); echo "$rc $(( (e - s) / 1000 ))"; [ $rc = 0 ] || tail -c 600 "$o"; rm -f "$o"`,
  );
  const m = r.stdout.match(/^(\d+) (\d+)\n?([\s\S]*)$/);
  if (r.exitCode !== 0 || !m) throw new BenchFailure(`timing '${short(script)}' failed: ${short(r.stdout + r.stderr)}`);
  if (m[1] !== '0') throw new BenchFailure(`timed command '${short(script)}' exited ${m[1]}: ${short(m[3]!.trim())}`);
  return Number(m[2]) / 1000;
}

/** Each sandbox's unit is active, and the service answers: apache2 over HTTP in its netns, sbxdemo in its state file. */
export async function verifyServing(h: SandboxHost, service: string, names: string[]): Promise<void> {
  const prefix = service.replace('.service', '');
  for (const name of names) {
    const unit = `${prefix}@${name}.service`;
    const state = (await must(h, `systemctl is-active ${unit} || true`)).trim();
    if (state !== 'active') throw new BenchFailure(`${unit} is ${state} after it was timed`);
    if (prefix === 'apache2') {
      const pid = (await must(h, `systemctl show -p MainPID --value ${unit}`)).trim();
      const code = (await must(h, `nsenter -t ${pid} -n curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1/ || true`)).trim();
      if (code !== '200') throw new BenchFailure(`${unit} does not serve: HTTP '${code}'`);
    } else {
      await must(h, `for i in $(seq 50); do grep -q '^started' /var/lib/sandbox/${name}/var/lib/${prefix}/state 2>/dev/null && exit 0; sleep 0.1; done; echo "${name}: no start recorded in its state file"; exit 1`);
    }
  }
}

export function median(xs: number[]): number {
  if (xs.length === 0) throw new BenchFailure('median of no measurement');
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A target a figure must not exceed. */
export interface Target {
  max: number;
}

const verdicts: { name: string; met: boolean }[] = [];

/** Prints `name: value unit (target <= max unit: met|MISSED)`; the verdict is computed here. */
export function figure(name: string, value: number, unit: string, target?: Target): void {
  if (!Number.isFinite(value)) throw new BenchFailure(`${name} is not a number (${value})`);
  const digits = unit === 'ms' ? 0 : 2;
  let line = `${name}: ${value.toFixed(digits)} ${unit}`;
  if (target) {
    const met = value <= target.max;
    verdicts.push({ name, met });
    line += ` (target <= ${target.max} ${unit}: ${met ? 'met' : 'MISSED'})`;
  }
  console.log(line);
}

/**
 * Runs a benchmark's body: a failure prints `bench FAILED: …` and exits 1; a
 * clean run ends with the count of targets met and missed.
 */
export async function runBench(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    console.error(`bench FAILED: ${(e as Error).message}`);
    process.exit(1);
  }
  const missed = verdicts.filter((v) => !v.met).map((v) => v.name);
  console.log(`targets: ${verdicts.length - missed.length} met, ${missed.length} missed${missed.length ? ` (${missed.join(', ')})` : ''}`);
}

/**
 * The CLI as admins run it: the esbuild bundle the RPM installs (`npm run bundle`
 * makes dist/sandbox.mjs). BENCH_CLI=dist/src/cli.js measures the tsc output
 * instead; an absolute BENCH_CLI, another checkout's (its checkout is bound into the host).
 */
export function cliPath(): string {
  return path.resolve(findProjectDir(), process.env.BENCH_CLI ?? 'dist/sandbox.mjs');
}

export const SANDBOX = `node ${cliPath()}`;

/** The CLI to compare with (bench/pairs.ts): BENCH_BEFORE, another checkout's bundle, by absolute path. */
export function beforePath(): string {
  const b = process.env.BENCH_BEFORE;
  if (!b || !path.isAbsolute(b)) throw new BenchFailure('BENCH_BEFORE must name the bundle to compare with by its absolute path (another checkout\'s dist/sandbox.mjs)');
  if (!existsSync(b)) throw new BenchFailure(`${b} not found`);
  return b;
}
