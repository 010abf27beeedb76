// Who holds which label, gathered from every source: the registry's pending
// reservations, the records, the tree roots and (SELinux on) running processes.
import type { Paths } from '../paths.js';
import { ownerAlive, type Registry } from './registry.js';
import { processLevels, recordLevels, treeLevels, type Holders } from './sources.js';

/**
 * Everything held anywhere but the registry's committed labels, which are
 * asked about one key at a time (isCommitted): with 500,000 sandboxes a
 * create must not list 500,000 files. With `reclaim`, stale pending
 * reservations are removed on the way (the caller holds the lock).
 */
export async function heldLabels(paths: Paths, registry: Registry, o: { reclaim: boolean; selinuxOn: boolean; procRoot: string }): Promise<Holders> {
  const all: Holders = new Map();
  const records = await recordLevels(paths);
  for (const key of await registry.pendingKeys()) {
    const r = await registry.read(key);
    if (o.reclaim && r && r.state === 'pending' && !ownerAlive(r) && !records.has(key)) {
      await registry.remove(key, r.sandbox);
      continue;
    }
    all.set(key, r?.sandbox ?? '');
  }
  for (const [k, v] of records) all.set(k, v);
  for (const [k, v] of await treeLevels(paths)) if (!all.has(k)) all.set(k, v);
  if (o.selinuxOn) for (const [k, v] of await processLevels(o.procRoot)) if (!all.has(k)) all.set(k, v);
  return all;
}

/** Who holds a key, for messages: a sandbox, a process or a tree. */
export async function holderName(registry: Registry, key: string, taken: Holders): Promise<string | undefined> {
  if (!taken.has(key) && !registry.isCommitted(key)) return undefined;
  const h = taken.get(key) || (await registry.read(key))?.sandbox || 'another sandbox';
  return /^(process|tree) /.test(h) ? h : `sandbox '${h}'`;
}
