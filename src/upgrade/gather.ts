// The I/O half of planning an upgrade: the create plan the sandbox's record
// gives with the packages as they are now (units, payload, package files),
// and the three facts of each package file. Nothing is written.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SandboxRecord } from '../config/record.js';
import { isInside, type Paths } from '../paths.js';
import { baseDir } from '../layout.js';
import { gatherFacts } from '../create/gather.js';
import { planCreate, type CreatePlan, type PlanContext } from '../create/plan.js';
import type { CreateRequest } from '../create/request.js';
import type { GeneratedFile } from '../generate/units.js';
import { DEFAULT_PROFILE, type ProfileName } from '../generate/profiles.js';
import { recordedPorts } from '../publish/spec.js';
import { detectManagers } from '../packages/detect.js';
import type { SystemdClient } from '../systemd/client.js';
import { walkTree } from '../payload/walk.js';
import { sha256File } from '../payload/manifest.js';
import { lstatInside, readInside } from './inside.js';
import type { FileFacts, PackageDrift } from './plan.js';

export interface UpgradeFacts {
  record: SandboxRecord;
  /** What create would make of this record now: the new units, payload and package file set. */
  plan: CreatePlan;
  files: FileFacts[];
  /** Payload entries the tree lacks (a directory new in the package): copied whole. */
  added: string[];
  /** Generated unit files that differ from what is on disk. */
  units: GeneratedFile[];
  drift: PackageDrift[];
  /** False for sandboxes made before bases were kept: nothing can be merged, only offered. */
  hasBase: boolean;
}

/** The create request a record stands for: same units, packages, label, profile, ports, limits, copies. */
export function requestOf(r: SandboxRecord): CreateRequest {
  return {
    name: r.name,
    units: r.units,
    packages: r.packages,
    copy: r.copy ?? [],
    exclude: r.exclude ?? [],
    network: r.network,
    security: { kind: 'dynamic' },
    profile: (r.profile || DEFAULT_PROFILE) as ProfileName,
    allowDbus: r.dbus === 'host',
    publish: recordedPorts(r),
    limits: r.limits ?? {},
  };
}

/** Recorded and installed version of each of the sandbox's packages. */
export async function packageDrift(paths: Paths, r: SandboxRecord): Promise<PackageDrift[]> {
  const managers = await detectManagers(paths);
  const out: PackageDrift[] = [];
  for (const name of r.packages) {
    let installed: string | undefined;
    for (const m of managers) if (installed === undefined && (await m.installed(name))) installed = await m.version(name);
    out.push({ name, recorded: r.packageVersions?.[name], installed });
  }
  return out;
}

/** Host paths of the files in a base directory. */
async function baseFiles(dir: string): Promise<string[] | undefined> {
  const st = await fs.lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) return undefined;
  return (await walkTree(dir)).filter((e) => e.stats.isFile()).map((e) => e.rel);
}

async function differs(paths: Paths, f: GeneratedFile): Promise<boolean> {
  const file = paths.host(f.path);
  if (f.linkTo !== undefined) return (await fs.readlink(file).catch(() => undefined)) !== f.linkTo;
  return (await fs.readFile(file, 'utf8').catch(() => undefined)) !== f.content;
}

export async function gatherUpgrade(paths: Paths, r: SandboxRecord, ctx: PlanContext, client?: SystemdClient): Promise<UpgradeFacts> {
  const facts = await gatherFacts(paths, requestOf(r), client);
  const plan = planCreate(requestOf(r), facts, { level: r.label, processContext: r.processContext, fileContext: r.fileContext }, ctx);
  const tree = paths.host(r.tree);
  const base = baseDir(paths, r.name);
  const inBase = await baseFiles(base);
  const now = new Set(plan.base);
  const files: FileFacts[] = [];
  for (const p of [...new Set([...(inBase ?? []), ...plan.base])].sort()) {
    const b = inBase?.includes(p) ? await sha256File(path.join(base, p)) : undefined;
    const theirs = now.has(p) ? await sha256File(paths.host(p)) : undefined;
    files.push({ path: p, base: b, mine: (await readInside(tree, p)).mine, theirs });
  }
  const added: string[] = [];
  for (const e of plan.payload.entries) {
    const absent = !(await lstatInside(tree, e.path));
    // One the sandbox had and removed stays removed (its base has files there).
    if (absent && !(inBase ?? []).some((b) => isInside(e.path, b))) added.push(e.path);
  }
  const units: GeneratedFile[] = [];
  for (const f of plan.files) if (await differs(paths, f)) units.push(f);
  const drift = facts.packages.map((p) => ({ name: p.name, recorded: r.packageVersions?.[p.name], installed: p.version }));
  return { record: r, plan, files, added, units, drift, hasBase: inBase !== undefined };
}
