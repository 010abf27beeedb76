// Things of a sandbox that outlived its record: trees, staging dirs and
// manifests in the state dir, labels in the registry, generated units, the
// temp files of cut-short writes. Each is something the tool made, so each
// finding can be repaired by removing it; files the tool did not generate
// (an admin's drop-in, a vendor unit) are never findings.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { recordedPorts } from '../publish/spec.js';
import type { Paths } from '../paths.js';
import { removeInside } from '../apply/safe-remove.js';
import { removeGenerated } from '../apply/remove-generated.js';
import { basesDir, atomicTempOf, isOurDropInName, isOurs, isOurUnitName, manifestsDir, PROFILE_DROPIN, SANDBOX_DROPIN, stateEntry, targetPrefixOf, unitEntry, wholeTempOf, recordFileName, publishDropInDirOf, type UnitRole } from '../layout.js';
import { pidAlive } from '../recovery/pid-alive.js';
import { removeBase } from '../upgrade/base-copy.js';
import { withLock } from '../labels/lock.js';
import { ownerAlive, Registry } from '../labels/registry.js';
import { ownedBy, serviceInUse, type Finding, type Known } from './known.js';

const REPAIR = "'sandbox doctor --repair' removes it";
// Temp files: writeFileAtomic's .#NAME.PID, and NAME.PID.tmp of the registry and the intent.
type TempName = (entry: string) => [string, number] | undefined;

async function ls(dir: string): Promise<string[]> {
  return (await fs.readdir(dir).catch(() => [] as string[])).sort();
}

async function isLink(p: string): Promise<boolean> {
  return (await fs.lstat(p).catch(() => undefined))?.isSymbolicLink() ?? false;
}

function orphan(kind: string, what: string, repair: () => Promise<unknown>): Finding {
  return { kind, severity: 'warn', detail: what, fix: REPAIR, repair: async () => void (await repair()) };
}

/** Temp files (named by `pattern`: target, pid) whose writer is gone, in dir; `ours` says which targets are the tool's. */
async function deadTemps(paths: Paths, dir: string, ours: (target: string) => boolean, tempOf: TempName = atomicTempOf): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const n of await ls(dir)) {
    const m = tempOf(n);
    if (!m || !ours(m[0]) || pidAlive(m[1])) continue;
    const file = path.join(dir, n);
    out.push(orphan('orphan temp file', `${paths.unhost(file)} is left from a write that was cut short`, () => fs.rm(file, { force: true })));
  }
  return out;
}

async function stateDirLeftovers(paths: Paths, k: Known): Promise<Finding[]> {
  const out: Finding[] = [];
  const owned = [paths.stateDir];
  for (const n of await ls(paths.stateDir)) {
    const p = path.join(paths.stateDir, n);
    const e = stateEntry(n);
    if (e.kind === 'staging' && !ownedBy(k, e.name)) {
      out.push(orphan('orphan staging', `${paths.unhost(p)} is left from a create that did not finish`, () => removeInside(owned, p)));
    } else if (e.kind === 'tree' && !ownedBy(k, n)) {
      const what = (await isLink(p)) ? `${paths.unhost(p)} is a link named like a tree but no sandbox '${n}' is recorded (the link goes, not what it points at)` : `tree ${paths.unhost(p)} has no record (no sandbox '${n}')`;
      out.push(orphan('orphan tree', what, () => removeInside(owned, p)));
    }
  }
  for (const n of await ls(basesDir(paths))) {
    const p = path.join(basesDir(paths), n);
    if (!ownedBy(k, n)) out.push(orphan('orphan base', `${paths.unhost(p)} (the package files a sandbox was made from) has no record`, () => removeBase(paths, p)));
  }
  const manifests = manifestsDir(paths);
  for (const n of await ls(manifests)) {
    const p = path.join(manifests, n);
    if (!atomicTempOf(n) && !ownedBy(k, n)) out.push(orphan('orphan manifest', `${paths.unhost(p)} has no record`, () => removeInside(owned, p)));
  }
  out.push(...(await deadTemps(paths, manifests, () => true)));
  out.push(...(await deadTemps(paths, paths.stateDir, (t) => stateEntry(t).kind === 'intent', wholeTempOf)));
  out.push(...(await deadTemps(paths, paths.configDir, (t) => recordFileName(t) !== undefined)));
  return out;
}

async function labelLeftovers(paths: Paths, k: Known): Promise<Finding[]> {
  const out: Finding[] = [];
  const registry = new Registry(paths);
  const locked = (fn: () => Promise<void>) => () => withLock(registry.lockFile, fn);
  for (const key of await registry.keys()) {
    const r = await registry.read(key);
    if (r && ownedBy(k, r.sandbox)) continue;
    if (r && r.state === 'pending' && ownerAlive(r)) continue; // a create that has not written its intent yet
    const who = r ? `sandbox '${r.sandbox}', which has no record` : 'nobody (unreadable)';
    out.push(orphan('orphan label', `label ${key} in ${paths.unhost(registry.dir)} is held by ${who}`, locked(() => registry.remove(key, r?.sandbox))));
  }
  for (const n of await ls(registry.byName)) {
    const p = path.join(registry.byName, n);
    if (wholeTempOf(n) || ownedBy(k, n)) continue;
    const entry = await registry.entryOf(n);
    if (entry && 'corrupt' in entry) continue; // reported by label-entries.ts
    const key = entry?.key;
    // A by-name entry whose label names it goes with that label, above.
    if (key && (await registry.read(key))?.sandbox === n) continue;
    out.push(orphan('orphan label', `${paths.unhost(p)} names a label for '${n}', which has no record`, locked(() => fs.rm(p, { force: true }))));
  }
  for (const dir of [registry.dir, registry.byName, registry.pendingDir, registry.heldDir]) out.push(...(await deadTemps(paths, dir, () => true, wholeTempOf)));
  return out;
}

/** Generated units and enable links of sandboxes or services that have no record. */
async function unitLeftovers(paths: Paths, k: Known): Promise<Finding[]> {
  const out: Finding[] = [];
  const owned = [paths.unitDir];
  const unused = (what: string, file: string, role: UnitRole) =>
    orphan('orphan unit', `${paths.unhost(file)} was generated for ${what}`, () => removeGenerated(owned, file, role));
  for (const n of await ls(paths.unitDir)) {
    const p = path.join(paths.unitDir, n);
    const e = unitEntry(n);
    const port = publishDropInDirOf(n);
    if (port) {
      // a published port's drop-in: ours while its sandbox's record publishes that port
      const file = path.join(p, SANDBOX_DROPIN);
      const r = k.records.get(port.name);
      const kept = ownedBy(k, port.name) && (!r || recordedPorts(r).some((x) => x.hostPort === port.hostPort));
      if (!kept && (await isOurs(file))) out.push(unused(`port ${port.hostPort} of sandbox '${port.name}', which does not publish it`, file, 'dropin'));
    } else if (e.kind === 'dropin-dir') {
      const file = path.join(p, SANDBOX_DROPIN);
      const link = path.join(p, PROFILE_DROPIN);
      if (!ownedBy(k, e.name, e.prefix) && (await isOurs(file))) out.push(unused(`sandbox '${e.name}', which has no record`, file, 'dropin'));
      if (!ownedBy(k, e.name, e.prefix) && (await isOurs(link, 'profile'))) out.push(unused(`sandbox '${e.name}', which has no record (the profile link)`, link, 'profile'));
      out.push(...(await deadTemps(paths, p, isOurDropInName)));
    } else if (e.kind === 'instance') {
      if (!ownedBy(k, e.name, e.prefix) && (await isOurs(p))) out.push(unused(`sandbox '${e.name}', which has no record`, p, 'service'));
    } else if (e.kind === 'shared') {
      if (!serviceInUse(k, e.prefix) && (await isOurs(p))) out.push(unused(`the sandboxes of ${e.prefix}.service, and none is recorded`, p, 'service'));
    } else if (e.kind === 'wants' && !(await isLink(p))) {
      out.push(...(await wantsLeftovers(paths, k, p, e.target)));
    }
  }
  out.push(...(await deadTemps(paths, paths.unitDir, isOurUnitName)));
  return out;
}

/** Enable links to our units: P@N.service in P-sandboxes.target.wants, P-sandboxes.target in any .wants. */
async function wantsLeftovers(paths: Paths, k: Known, dir: string, ours: string | undefined): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const n of await ls(dir)) {
    const link = path.join(dir, n);
    if (!(await isLink(link))) continue;
    const e = unitEntry(n);
    const target = targetPrefixOf(n);
    const stale = (ours !== undefined && e.kind === 'instance' && e.prefix === ours && !ownedBy(k, e.name, e.prefix)) || (target !== undefined && !serviceInUse(k, target));
    if (stale) {
      out.push(orphan('orphan unit', `${paths.unhost(link)} enables a sandbox unit that has no record`, async () => {
        await removeInside([paths.unitDir], link);
        await fs.rmdir(dir).catch(() => undefined);
      }));
    }
  }
  return out;
}

/** Private /run directories of sandboxes that have no record (a unit with RuntimeDirectoryPreserve= keeps its own). */
async function runtimeLeftovers(paths: Paths, k: Known): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const n of await ls(paths.runDir)) {
    if (ownedBy(k, n)) continue;
    const p = path.join(paths.runDir, n);
    out.push(orphan('orphan runtime dir', `${paths.unhost(p)} is left from sandbox '${n}', which has no record`, () => removeInside([paths.runDir], p)));
  }
  return out;
}

export async function leftovers(paths: Paths, k: Known): Promise<Finding[]> {
  return [
    ...(await stateDirLeftovers(paths, k)),
    ...(await labelLeftovers(paths, k)),
    ...(await unitLeftovers(paths, k)),
    ...(await runtimeLeftovers(paths, k)),
  ];
}
