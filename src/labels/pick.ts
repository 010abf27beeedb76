// Drawing a free MCS pair: at random first, then a scan from a random start
// when draws keep hitting held pairs; undefined when the space is full.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { intersect, pairAt, pairCount, pairKey, randomPair, rangeOfContext, type CategoryRange, type Pair } from '../selinux/mcs.js';
import type { Registry } from './registry.js';
import type { Holders } from './sources.js';

const RANDOM_DRAWS = 64;

/** The configured categories, within this process's own range when SELinux is on. */
export function allowedRange(categories: CategoryRange, selinuxOn: boolean, procRoot: string): CategoryRange {
  if (!selinuxOn) return categories;
  const own = readFileSync(path.join(procRoot, 'self', 'attr', 'current'), 'utf8');
  return intersect(categories, rangeOfContext(own));
}

export async function pickFree(registry: Registry, r: CategoryRange, taken: Holders, reserved: Set<string>, random: () => number): Promise<Pair | undefined> {
  const freeOf = (committed: (key: string) => boolean) => (p: Pair) => {
    const key = pairKey(p);
    return !taken.has(key) && !reserved.has(key) && !committed(key);
  };
  const total = pairCount(r);
  if (total <= 0) return undefined;
  // A draw costs a stat of its key in the registry, whatever the number of labels held.
  const drawFree = freeOf((key) => registry.isCommitted(key));
  for (let i = 0; i < RANDOM_DRAWS; i++) {
    const p = randomPair(r, random);
    if (drawFree(p)) return p;
  }
  // The space is crowded: list the committed labels once and scan from a random start.
  const committed = new Set(await registry.committedKeys());
  const scanFree = freeOf((key) => committed.has(key));
  const start = Math.floor(random() * total);
  for (let i = 0; i < total; i++) {
    const p = pairAt(r, (start + i) % total);
    if (scanFree(p)) return p;
  }
  return undefined;
}
