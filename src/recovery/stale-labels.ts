// Label reservations a killed create left without ever writing its intent
// (it dies between reserving the label and linking .creating-NAME): pending,
// owner gone, no record. The allocator reclaims those only when it next
// allocates; recovery reclaims them at once, so no command leaves a label held
// by a sandbox that does not exist. Also the temp files of registry writes cut
// short, and by-name entries whose label file is gone (a remove cut short).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../paths.js';
import { listRecordNames } from '../config/record.js';
import { withLock } from '../labels/lock.js';
import { ownerAlive, Registry } from '../labels/registry.js';
import { wholeTempOf } from '../layout.js';
import { pidAlive } from './pid-alive.js';

interface Stale {
  /** Reservations that go: [key, sandbox]. */
  reservations: [string, string][];
  /** by-name files naming a label that is gone or held by another sandbox. */
  dangling: string[];
  temps: string[];
}

/** Whose leftovers count as stale: dead processes', and with `self` this process's too. */
interface Owners {
  self: boolean;
}

async function findStale(paths: Paths, registry: Registry, o: Owners): Promise<Stale> {
  const recorded = new Set(await listRecordNames(paths));
  const gone = (pid: number) => (o.self && pid === process.pid) || !pidAlive(pid);
  const out: Stale = { reservations: [], dangling: [], temps: [] };
  // Only pending reservations can be stale: held ones are never read (there is one per sandbox).
  for (const key of await registry.pendingKeys()) {
    const r = await registry.read(key);
    if (!r || r.state !== 'pending' || recorded.has(r.sandbox)) continue;
    if ((o.self && r.pid === process.pid) || !ownerAlive(r)) out.reservations.push([key, r.sandbox]);
  }
  for (const name of await fs.readdir(registry.byName).catch(() => [] as string[])) {
    if (wholeTempOf(name) || recorded.has(name)) continue;
    const key = await registry.labelOf(name);
    if (key && (await registry.read(key))?.sandbox !== name) out.dangling.push(path.join(registry.byName, name));
  }
  for (const dir of [registry.dir, registry.byName, registry.pendingDir, registry.heldDir]) {
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      const m = wholeTempOf(name);
      if (m && gone(m[1])) out.temps.push(path.join(dir, name));
    }
  }
  return out;
}

/** Reclaim what is stale; the names of the sandboxes whose reservation went. Writes nothing when nothing is stale. */
export async function reclaimStaleLabels(paths: Paths, o: Owners = { self: false }): Promise<string[]> {
  const registry = new Registry(paths);
  const first = await findStale(paths, registry, o);
  if (!first.reservations.length && !first.dangling.length && !first.temps.length) return [];
  return withLock(registry.lockFile, async () => {
    // Again under the lock: a create may have committed or released meanwhile.
    const stale = await findStale(paths, registry, o);
    for (const [key, sandbox] of stale.reservations) await registry.remove(key, sandbox);
    for (const f of [...stale.dangling, ...stale.temps]) await fs.rm(f, { force: true });
    return stale.reservations.map(([, sandbox]) => sandbox);
  });
}

/**
 * After this process failed to reserve a label (a full disk mid-write): the
 * half-written reservation and temp files go now, not at the next command.
 */
export async function reclaimOwnLabels(paths: Paths): Promise<void> {
  await reclaimStaleLabels(paths, { self: true });
}
