// Who holds which label, gathered from every source: the registry's pending
// reservations, the records, the tree roots and (SELinux on) running processes.
import { existsSync } from 'node:fs';
import type { Paths } from '../paths.js';
import { recordPath } from '../layout.js';
import { ownerAlive, type Registry } from './registry.js';
import { processLevels, recordLevels, treeLevels, type Holders } from './sources.js';

/**
 * Labels on records and tree roots. A store reads them once: every record or
 * tree made after that (by this process or another) got its label through the
 * registry, which is read at every allocation. A batch of 100 at 1,000
 * sandboxes read 1,000 records and tree labels per sandbox before.
 */
export async function outsideLevels(paths: Paths): Promise<Outside> {
  return { records: await recordLevels(paths), trees: await treeLevels(paths) };
}

export interface Outside {
  records: Holders;
  trees: Holders;
}

/**
 * Everything held anywhere but the registry's committed labels, which are
 * asked about one key at a time (isCommitted): with 500,000 sandboxes a
 * create must not list 500,000 files. With `reclaim`, stale pending
 * reservations are removed on the way (the caller holds the lock).
 */
export async function heldLabels(paths: Paths, registry: Registry, outside: Outside, o: { reclaim: boolean; selinuxOn: boolean; procRoot: string }): Promise<Holders> {
  const all: Holders = new Map();
  for (const key of await registry.pendingKeys()) {
    const r = await registry.read(key);
    // Whether its record exists is asked now: `outside` may be older than the owner's death.
    if (o.reclaim && r && r.state === 'pending' && !ownerAlive(r) && !outside.records.has(key) && !existsSync(recordPath(paths, r.sandbox))) {
      await registry.remove(key, r.sandbox);
      continue;
    }
    all.set(key, r?.sandbox ?? '');
  }
  for (const [k, v] of outside.records) all.set(k, v);
  for (const [k, v] of outside.trees) if (!all.has(k)) all.set(k, v);
  if (o.selinuxOn) for (const [k, v] of await processLevels(o.procRoot)) if (!all.has(k)) all.set(k, v);
  return all;
}

/** Who holds a key, for messages: a sandbox, a process or a tree. */
export async function holderName(registry: Registry, key: string, taken: Holders): Promise<string | undefined> {
  if (!taken.has(key) && !registry.isCommitted(key)) return undefined;
  const h = taken.get(key) || (await registry.read(key))?.sandbox || 'another sandbox';
  return /^(process|tree) /.test(h) ? h : `sandbox '${h}'`;
}
