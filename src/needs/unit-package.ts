// Which package a unit comes from. A unit systemd generated from an init.d
// script (/run/systemd/generator.late/slapd.service) is in no package; its
// SourcePath= names the script, whose package is known.
import { findOwners } from '../packages/detect.js';
import type { PackageManager, PackageOwner } from '../packages/types.js';
import type { Paths } from '../paths.js';
import type { ResolvedUnit } from '../create/resolve-unit.js';

export async function ownersOfUnit(paths: Paths, u: ResolvedUnit, managers: readonly PackageManager[]): Promise<PackageOwner[]> {
  const owners = await findOwners(paths, u.source, managers);
  const script = u.unit.get('Unit', 'SourcePath');
  if (owners.length > 0 || !script?.startsWith('/')) return owners;
  return findOwners(paths, script, managers);
}
