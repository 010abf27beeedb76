// Things of a sandbox that outlived its record: trees, staging dirs and
// manifests in the state dir, labels in the registry, generated units, the
// temp files of cut-short writes. Each is something the tool made, so each
// finding can be repaired by removing it; files the tool did not generate
// (an admin's drop-in, a vendor unit) are never findings.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parsePublish } from '../publish/spec.js';
import type { Paths } from '../paths.js';
import { removeInside } from '../apply/safe-remove.js';
import { isGenerated } from '../generate/template.js';
import { removeGenerated } from '../create/apply.js';
import { pidAlive } from '../delete/stale-labels.js';
import { withLock } from '../labels/lock.js';
import { ownerAlive, Registry } from '../labels/registry.js';
import { ownedBy, serviceInUse, type Finding, type Known } from './known.js';
import { isProfileLink, PROFILE_DROPIN } from '../generate/profiles.js';

const REPAIR = "'sandbox doctor --repair' removes it";
// Temp files: writeFileAtomic's .#NAME.PID, and NAME.PID.tmp of the registry and the intent.
const TEMP = /^\.#(.+)\.(\d+)$/;
const TMP = /^(.+)\.(\d+)\.tmp$/;
const STAGING = '.staging-';

async function ls(dir: string): Promise<string[]> {
  return (await fs.readdir(dir).catch(() => [] as string[])).sort();
}

async function isLink(p: string): Promise<boolean> {
  return (await fs.lstat(p).catch(() => undefined))?.isSymbolicLink() ?? false;
}

async function generatedAt(file: string): Promise<boolean> {
  return isGenerated(await fs.readFile(file, 'utf8').catch(() => ''));
}

function orphan(kind: string, what: string, repair: () => Promise<unknown>): Finding {
  return { kind, severity: 'warn', detail: what, fix: REPAIR, repair: async () => void (await repair()) };
}

/** Temp files (named by `pattern`: target, pid) whose writer is gone, in dir; `ours` says which targets are the tool's. */
async function deadTemps(paths: Paths, dir: string, ours: (target: string) => boolean, pattern = TEMP): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const n of await ls(dir)) {
    const m = pattern.exec(n);
    if (!m || !ours(m[1]!) || pidAlive(Number(m[2]))) continue;
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
    if (n.startsWith(STAGING) && !ownedBy(k, n.slice(STAGING.length))) {
      out.push(orphan('orphan staging', `${paths.unhost(p)} is left from a create that did not finish`, () => removeInside(owned, p)));
    } else if (!n.startsWith('.') && !ownedBy(k, n)) {
      const what = (await isLink(p)) ? `${paths.unhost(p)} is a link named like a tree but no sandbox '${n}' is recorded (the link goes, not what it points at)` : `tree ${paths.unhost(p)} has no record (no sandbox '${n}')`;
      out.push(orphan('orphan tree', what, () => removeInside(owned, p)));
    }
  }
  const manifests = path.join(paths.stateDir, '.manifests');
  for (const n of await ls(manifests)) {
    const p = path.join(manifests, n);
    if (!TEMP.test(n) && !ownedBy(k, n)) out.push(orphan('orphan manifest', `${paths.unhost(p)} has no record`, () => removeInside(owned, p)));
  }
  out.push(...(await deadTemps(paths, manifests, () => true)));
  out.push(...(await deadTemps(paths, paths.stateDir, (t) => t.startsWith('.creating-'), TMP)));
  out.push(...(await deadTemps(paths, paths.configDir, (t) => t.endsWith('.sandbox'))));
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
    if (TMP.test(n) || ownedBy(k, n)) continue;
    const entry = await registry.entryOf(n);
    if (entry && 'corrupt' in entry) continue; // reported by label-entries.ts
    const key = entry?.key;
    // A by-name entry whose label names it goes with that label, above.
    if (key && (await registry.read(key))?.sandbox === n) continue;
    out.push(orphan('orphan label', `${paths.unhost(p)} names a label for '${n}', which has no record`, locked(() => fs.rm(p, { force: true }))));
  }
  for (const dir of [registry.dir, registry.byName, registry.pendingDir, registry.heldDir]) out.push(...(await deadTemps(paths, dir, () => true, TMP)));
  return out;
}

/** Generated units and enable links of sandboxes or services that have no record. */
async function unitLeftovers(paths: Paths, k: Known): Promise<Finding[]> {
  const out: Finding[] = [];
  const owned = [paths.unitDir];
  const unused = (what: string, file: string, role: string) =>
    orphan('orphan unit', `${paths.unhost(file)} was generated for ${what}`, () => removeGenerated(owned, file, role));
  const ourName = (n: string) => /^.+@.*\.service$|^.+-sandboxes\.target$/.test(n);
  for (const n of await ls(paths.unitDir)) {
    const p = path.join(paths.unitDir, n);
    let m: RegExpExecArray | null;
    if ((m = /^sandbox-publish@(.+):(\d+)\.(socket|service)\.d$/.exec(n))) {
      // a published port's drop-in: ours while its sandbox's record publishes that port
      const file = path.join(p, '50-sandbox.conf');
      const r = k.records.get(m[1]!);
      const kept = ownedBy(k, m[1]!) && (!r || (r.publish ?? []).some((x) => parsePublish(x).hostPort === Number(m![2])));
      if (!kept && (await generatedAt(file))) out.push(unused(`port ${m[2]} of sandbox '${m[1]}', which does not publish it`, file, 'dropin'));
    } else if ((m = /^(.+)@(.+)\.service\.d$/.exec(n))) {
      const file = path.join(p, '50-sandbox.conf');
      const link = path.join(p, PROFILE_DROPIN);
      if (!ownedBy(k, m[2]!, m[1]) && (await generatedAt(file))) out.push(unused(`sandbox '${m[2]}', which has no record`, file, 'dropin'));
      if (!ownedBy(k, m[2]!, m[1]) && (await isProfileLink(link))) out.push(unused(`sandbox '${m[2]}', which has no record (the profile link)`, link, 'profile'));
      out.push(...(await deadTemps(paths, p, (t) => t === '50-sandbox.conf' || t === PROFILE_DROPIN)));
    } else if ((m = /^(.+)@(.+)\.service$/.exec(n))) {
      if (!ownedBy(k, m[2]!, m[1]) && (await generatedAt(p))) out.push(unused(`sandbox '${m[2]}', which has no record`, p, 'service'));
    } else if ((m = /^(.+)(@\.service|-sandboxes\.target)$/.exec(n))) {
      if (!serviceInUse(k, m[1]!) && (await generatedAt(p))) out.push(unused(`the sandboxes of ${m[1]}.service, and none is recorded`, p, 'service'));
    } else if (n.endsWith('.wants') && !(await isLink(p))) {
      out.push(...(await wantsLeftovers(paths, k, p)));
    }
  }
  out.push(...(await deadTemps(paths, paths.unitDir, ourName)));
  return out;
}

/** Enable links to our units: P@N.service in P-sandboxes.target.wants, P-sandboxes.target in any .wants. */
async function wantsLeftovers(paths: Paths, k: Known, dir: string): Promise<Finding[]> {
  const out: Finding[] = [];
  const ours = /^(.+)-sandboxes\.target\.wants$/.exec(path.basename(dir));
  for (const n of await ls(dir)) {
    const link = path.join(dir, n);
    if (!(await isLink(link))) continue;
    const instance = /^(.+)@(.+)\.service$/.exec(n);
    const target = /^(.+)-sandboxes\.target$/.exec(n);
    const stale = (ours && instance && instance[1] === ours[1] && !ownedBy(k, instance[2]!, instance[1])) || (target && !serviceInUse(k, target[1]!));
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
