// doctor's look at package updates: which sandboxes are behind their packages
// (upgrade/check.ts), one warning each with the command that brings it forward.
import type { Paths } from '../paths.js';
import { readRecords } from '../config/record.js';
import { driftText, sandboxDrift } from '../upgrade/check.js';
import { ok, warn, type Check } from './result.js';

export async function checkPackageVersions(paths: Paths): Promise<Check[]> {
  const drift = await sandboxDrift(paths, (await readRecords(paths)).records);
  const behind = drift.filter((d) => d.behind);
  if (!behind.length) return [ok('package versions', `${drift.length} sandbox${drift.length === 1 ? ' is' : 'es are'} up to date with ${drift.length === 1 ? 'its packages' : 'their packages'}`)];
  return behind.map((d) => warn('behind its package', `sandbox '${d.name}': ${driftText(d)}; 'sandbox upgrade ${d.name}' brings it forward`, { sandbox: d.name, packages: d.packages }));
}
