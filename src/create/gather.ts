// The I/O half of planning a create: which unit files, which packages, what is
// on the host now. plan.ts turns these facts into a plan without touching anything.
import { NotFoundError, UnavailableError } from '../errors.js';
import type { Paths } from '../paths.js';
import { detectManagers, findOwners } from '../packages/detect.js';
import type { PackageManager } from '../packages/types.js';
import { describeHostPaths, type HostPath } from '../payload/host-entries.js';
import type { UnitDir } from '../payload/rules.js';
import { PAYLOAD_TOPS } from '../payload/rules.js';
import { isInside } from '../paths.js';
import type { SystemdClient } from '../systemd/client.js';
import { canonicalRunPath, directoriesOf, HOST_DIRECTORY_SETTINGS } from '../generate/translate.js';
import type { RuntimeDir } from '../generate/units.js';
import { noteLine, sandboxableSettings } from '../generate/vendor-settings.js';
import { promises as fs } from 'node:fs';
import { resolveUnit, type ResolvedUnit } from './resolve-unit.js';
import type { CreateRequest } from './request.js';
import { resolveOwner } from './users.js';
import { gatherNeeds } from '../needs/gather-needs.js';
import { ownersOfUnit } from '../needs/unit-package.js';

export interface PackageFacts {
  manager: string;
  name: string;
  /** Its installed version (recorded, so upgrade --check can tell when the package moved on). */
  version: string;
}

export interface CreateFacts {
  units: ResolvedUnit[];
  packages: PackageFacts[];
  packageFiles: HostPath[];
  unitDirs: UnitDir[];
  /** Owner for directories the unit names that do not exist yet. */
  unitOwner: { uid: number; gid: number };
  copy: HostPath[];
  /** Directories the packages own under /run (and /var/run), as they are on the host now. */
  runtimeDirs: RuntimeDir[];
  /** One line per vendor setting the sandbox's unit leaves out or changes that the admin may rely on. */
  vendorNotes: string[];
}

const underPayload = (p: string) => PAYLOAD_TOPS.some((t) => isInside(t, p));

async function packageOf(managers: PackageManager[], pkg: string): Promise<PackageManager> {
  for (const m of managers) if (await m.installed(pkg)) return m;
  throw new NotFoundError(`package '${pkg}' is not installed (asked ${managers.map((m) => m.name).join(', ')})`);
}

/** Directories a unit names that systemd would create or write in the host's view. */
export function unitDirectories(u: ResolvedUnit): { path: string; directive: string }[] {
  const out: { path: string; directive: string }[] = [];
  for (const setting of Object.keys(HOST_DIRECTORY_SETTINGS)) {
    for (const v of u.unit.getAll('Service', setting)) for (const p of directoriesOf(setting, v)) out.push({ path: p, directive: setting });
  }
  for (const v of u.unit.getAll('Service', 'ReadWritePaths')) {
    for (const item of v.split(/\s+/).filter(Boolean)) out.push({ path: item.replace(/^[-+]+/, ''), directive: 'ReadWritePaths' });
  }
  return out.filter((d) => underPayload(d.path));
}

/** The package's /run directories that exist on the host, with their owner and mode. */
async function hostRuntimeDirs(paths: Paths, dirs: string[]): Promise<RuntimeDir[]> {
  const out: RuntimeDir[] = [];
  for (const d of dirs) {
    const st = await fs.lstat(paths.host(d)).catch(() => undefined);
    if (st?.isDirectory()) out.push({ path: d, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
  }
  return out;
}

/** One line per /run directory: what is on the host first, then what the tmpfiles.d lines say. */
function mergeRuntimeDirs(host: RuntimeDir[], tmpfiles: RuntimeDir[]): RuntimeDir[] {
  const out = [...host];
  for (const d of tmpfiles) if (!out.some((x) => x.path === d.path)) out.push(d);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function gatherFacts(paths: Paths, req: CreateRequest, client?: SystemdClient): Promise<CreateFacts> {
  const managers = await detectManagers(paths);
  if (managers.length === 0) {
    throw new UnavailableError(`no usable package manager: neither rpm nor dpkg has a package database${paths.offline ? ` under ${paths.root}` : ''}`);
  }
  const units: ResolvedUnit[] = [];
  for (const u of req.units) units.push(await resolveUnit(paths, u, client));
  // A setting no sandbox may have refuses the unit here, before anything is reserved or written.
  const vendorNotes = units.flatMap((u) => sandboxableSettings(u.name, u.unit).notes.map((n) => noteLine(u.name, n)));

  const packages: PackageFacts[] = [];
  const add = async (manager: PackageManager, name: string) => {
    if (!packages.some((p) => p.manager === manager.name && p.name === name)) packages.push({ manager: manager.name, name, version: await manager.version(name) });
  };
  for (const u of units) {
    const owners = await ownersOfUnit(paths, u, managers);
    if (owners.length === 0 && req.packages.length === 0) {
      throw new NotFoundError(`no package owns ${u.source} (the unit file of ${u.name}); name its package with -P PACKAGE`);
    }
    for (const o of owners) await add(o.manager, o.package);
  }
  for (const p of req.packages) await add(await packageOf(managers, p), p);

  const listed = new Set<string>();
  const runtime = new Set<string>();
  const all: string[] = [];
  for (const p of packages) {
    const m = managers.find((x) => x.name === p.manager)!;
    for (const f of await m.files(p.name)) {
      all.push(f.path);
      if (underPayload(f.path)) listed.add(f.path);
      const run = canonicalRunPath(f.path);
      if (run.startsWith('/run/')) runtime.add(run);
    }
  }
  const first = units[0]!.unit;
  const unitOwner = await resolveOwner(paths, first.get('Service', 'User'), first.get('Service', 'Group'));
  const needs = await gatherNeeds(paths, { managers, packages, listed: all, unitUser: { ...unitOwner, name: first.get('Service', 'User') ?? 'root', unit: units[0]!.name } });
  const runtimeDirs = mergeRuntimeDirs(await hostRuntimeDirs(paths, [...runtime].sort()), needs.runtimeDirs);
  const packageFiles = [...describeHostPaths(paths, [...listed].sort()), ...needs.siblingFiles];
  const named = units.flatMap(unitDirectories);
  const unitDirs: UnitDir[] = [...describeHostPaths(paths, named.map((d) => d.path)).map((h, i) => ({ ...h, directive: named[i]!.directive })), ...needs.found];
  const copy = describeHostPaths(paths, req.copy);
  return { units, packages, packageFiles, unitDirs, unitOwner, copy, runtimeDirs, vendorNotes };
}
