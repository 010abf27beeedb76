// upgrade --check and doctor: which sandboxes are behind their packages (the
// version recorded at create or at the last upgrade against rpm's or dpkg's
// answer now). Nothing is written.
import type { SandboxRecord } from '../config/record.js';
import type { Paths } from '../paths.js';
import { packageDrift } from './gather.js';
import { isBehind, type PackageDrift } from './plan.js';

export interface SandboxDrift {
  name: string;
  behind: boolean;
  /** Made before versions were recorded: cannot tell. */
  unknown: boolean;
  packages: PackageDrift[];
}

export async function sandboxDrift(paths: Paths, records: readonly SandboxRecord[]): Promise<SandboxDrift[]> {
  const out: SandboxDrift[] = [];
  for (const r of records) {
    const packages = await packageDrift(paths, r);
    out.push({ name: r.name, behind: isBehind(packages), unknown: r.packageVersions === undefined, packages });
  }
  return out;
}

/** "sbxdemo 1.0-1 → 1.1-1" for each package that moved. */
export function driftText(d: SandboxDrift): string {
  if (d.unknown) return 'made before package versions were recorded: cannot tell';
  const moved = d.packages.filter((p) => p.recorded !== undefined && p.recorded !== p.installed);
  return moved.map((p) => `${p.name} ${p.recorded} → ${p.installed ?? 'not installed'}`).join(', ');
}

export function formatDrift(list: readonly SandboxDrift[]): string {
  const behind = list.filter((d) => d.behind);
  if (!behind.length) return `All ${list.length} sandbox${list.length === 1 ? ' is' : 'es are'} up to date with ${list.length === 1 ? 'its packages' : 'their packages'}.\n`;
  const w = Math.max(...behind.map((d) => d.name.length));
  return behind.map((d) => `${d.name.padEnd(w)}  behind: ${driftText(d)}`).join('\n') + `\nUpgrade with: sandbox upgrade ${behind.map((d) => d.name).join(' ')}\n`;
}
