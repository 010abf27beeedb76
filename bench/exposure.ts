// The exposure systemd computes (`systemd-analyze security`, 0.0 confined …
// 10.0 exposed) of each tested service's vendor unit beside its sandbox's
// unit, under each profile, while the sandbox runs; the verdict against issue
// 13's targets (apache2 ≤ 2.0 under the default profile, every tested service
// ≤ 2.5) is computed here. Exits 1 when a target is missed, and when a
// measured command fails (a sandbox that does not start has no figure).
//   node dist/bench/exposure.js
import { parseExposure } from '../src/systemd/exposure.js';
import { SANDBOX, withBenchHost } from './host-bench.js';
import type { SandboxHost } from '../test/integration/sandbox-host.js';

interface Service {
  unit: string;
  /** The target under the default profile. */
  target: number;
}

const SERVICES: Service[] = [
  { unit: 'apache2.service', target: 2.0 },
  { unit: 'sbxdemo.service', target: 2.5 },
];
const PROFILES = ['default', 'strict', 'trusted'];

let failed = false;

async function exposureOf(h: SandboxHost, unit: string): Promise<number> {
  const out = await h.ok(`systemd-analyze security --no-pager ${unit}`);
  const e = parseExposure(out);
  if (!e) throw new Error(`systemd-analyze security ${unit} printed no overall exposure:\n${out}`);
  return e.level;
}

async function measure(h: SandboxHost, s: Service): Promise<void> {
  const prefix = s.unit.replace(/\.service$/, '');
  const vendor = await exposureOf(h, s.unit);
  console.log(`exposure.${prefix}.vendor: ${vendor.toFixed(1)}`);
  for (const profile of PROFILES) {
    const name = `x${profile}`;
    // h.ok throws when a command fails: the bench then exits non-zero (below)
    await h.ok(`${SANDBOX} create --now --profile ${profile} -u ${s.unit} ${name}`);
    const active = (await h.exec(['systemctl', 'is-active', `${prefix}@${name}.service`])).stdout.trim();
    if (active !== 'active') throw new Error(`${prefix}@${name}.service is ${active} under the ${profile} profile`);
    const level = await exposureOf(h, `${prefix}@${name}.service`);
    const target = profile === 'default' ? s.target : profile === 'strict' ? 2.5 : undefined;
    const met = target === undefined ? '' : level <= target ? ` (target ≤ ${target.toFixed(1)} met)` : ` (target ≤ ${target.toFixed(1)} MISSED)`;
    if (target !== undefined && level > target) failed = true;
    console.log(`exposure.${prefix}.sandbox.${profile}: ${level.toFixed(1)}${met}`);
    await h.ok(`${SANDBOX} delete --force ${name}`);
  }
}

try {
  await withBenchHost('exposure-bench', async (h) => {
    for (const s of SERVICES) await measure(h, s);
  });
} catch (e) {
  console.error(`exposure: ${(e as Error).message}`);
  process.exitCode = 1;
}
if (failed) process.exitCode = 1;
