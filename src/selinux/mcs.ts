// MCS levels: s0:cA,cB with A < B. Pure helpers: parsing, formatting, the pair
// space of a category range, and the range a process context allows.
import { shown, UsageError } from '../errors.js';

export interface Pair {
  a: number;
  b: number;
}

export interface CategoryRange {
  min: number;
  max: number;
}

export function formatLevel(p: Pair): string {
  return `s0:c${p.a},c${p.b}`;
}

/** Name of a pair without the sensitivity: "c12,c345" (a registry file name). */
export function pairKey(p: Pair): string {
  return `c${p.a},c${p.b}`;
}

export function parsePairKey(key: string): Pair | undefined {
  const m = /^c(\d{1,4}),c(\d{1,4})$/.exec(key);
  if (!m) return undefined;
  const p = { a: Number(m[1]), b: Number(m[2]) };
  return p.a < p.b && p.b <= 1023 ? p : undefined;
}

/** "s0:c1,c2" → pair; anything else (no categories, one category, ranges) → undefined. */
export function parseLevel(level: string): Pair | undefined {
  const m = /^s0(?:-s0)?:(c\d{1,4},c\d{1,4})$/.exec(level.trim());
  return m ? parsePairKey(m[1]!) : undefined;
}

/** The level of a full context user:role:type:level (level may contain ':'). */
export function levelOfContext(context: string): string | undefined {
  const parts = context.replace(/\0+$/, '').trim().split(':');
  return parts.length >= 4 ? parts.slice(3).join(':') : undefined;
}

/** Validate a static label: a full context or a bare level with exactly two categories. */
export function parseStaticLabel(label: string): { pair: Pair; level: string } {
  const level = label.split(':').length >= 4 ? levelOfContext(label)! : label;
  const pair = parseLevel(level);
  if (!pair) throw new UsageError(`label ${shown(label)}: expected a context like system_u:system_r:svirt_lxc_net_t:s0:c1,c2 (two categories, the first lower)`);
  return { pair, level: formatLevel(pair) };
}

export function pairCount(r: CategoryRange): number {
  const n = r.max - r.min + 1;
  return (n * (n - 1)) / 2;
}

/** The i-th pair of the range in (a, b) order, for scanning. */
export function pairAt(r: CategoryRange, index: number): Pair {
  const n = r.max - r.min + 1;
  // row a has (n-1-a) pairs; find the row by walking (n <= 1024, cheap)
  let a = 0;
  let i = index;
  while (i >= n - 1 - a) {
    i -= n - 1 - a;
    a++;
  }
  return { a: r.min + a, b: r.min + a + 1 + i };
}

export function randomPair(r: CategoryRange, random: () => number): Pair {
  const n = r.max - r.min + 1;
  for (;;) {
    const x = Math.floor(random() * n);
    const y = Math.floor(random() * n);
    if (x !== y) return { a: r.min + Math.min(x, y), b: r.min + Math.max(x, y) };
  }
}

/**
 * The category range a process's own context allows, e.g. …:s0-s0:c0.c1023 → 0..1023.
 * undefined when the context names no range (then the configured range stands).
 */
export function rangeOfContext(context: string): CategoryRange | undefined {
  const level = levelOfContext(context);
  if (!level) return undefined;
  const clearance = level.includes('-') ? level.split('-')[1]! : level;
  const m = /:c(\d+)\.c(\d+)$/.exec(clearance);
  if (m) return { min: Number(m[1]), max: Number(m[2]) };
  if (!clearance.includes(':')) return { min: 0, max: -1 }; // s0 with no categories: nothing to hand out
  return undefined;
}

export function intersect(a: CategoryRange, b: CategoryRange | undefined): CategoryRange {
  return b ? { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) } : a;
}
