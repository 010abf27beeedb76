// The label allocator: every sandbox gets an MCS pair nobody else holds.
// Allocation runs under the registry lock (lock.ts), checks the registry, the
// sandbox records, the tree roots and (with SELinux on) running processes,
// draws at random, falls back to a scan when draws keep hitting held pairs,
// and fails at once when the space is full: it never loops forever.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConflictError, NotFoundError, SandboxError, UsageError } from '../errors.js';
import type { Paths } from '../paths.js';
import { readToolConfig, type ToolConfig } from '../config/tool-config.js';
import { toolConfigPath } from '../layout.js';
import { selinuxfs, selinuxOnAt } from '../selinux/state.js';
import {
  formatLevel,
  intersect,
  pairAt,
  pairCount,
  pairKey,
  parsePairKey,
  parseStaticLabel,
  randomPair,
  rangeOfContext,
  type CategoryRange,
  type Pair,
} from '../selinux/mcs.js';
import { formatTable } from '../output/table.js';
import { withLock } from './lock.js';
import { ownerAlive, Registry, type Reservation } from './registry.js';
import { processLevels, recordLevels, treeLevels, type Holders } from './sources.js';

export interface Label {
  level: string;
  pair: Pair;
}

export interface HeldLabel {
  level: string;
  sandbox: string;
  state: 'pending' | 'committed' | 'recorded';
  /** The tree root carries this level. */
  onDisk: boolean;
  /** A running process carries this level (SELinux on only). */
  onProcess: boolean;
}

export interface StoreOptions {
  config?: ToolConfig;
  /** /proc to read processes' contexts from (tests use a fake one). */
  procRoot?: string;
  /** Where selinuxfs is (tests use a fake one). */
  selinuxRoot?: string;
  random?: () => number;
}

const RANDOM_DRAWS = 64;

export async function openLabelStore(paths: Paths, opts: StoreOptions = {}) {
  const config = opts.config ?? (await readToolConfig(paths));
  const procRoot = opts.procRoot ?? paths.host('/proc');
  const selinuxRoot = opts.selinuxRoot ?? selinuxfs(paths);
  const random = opts.random ?? Math.random;
  const registry = new Registry(paths);
  const selinuxOn = selinuxOnAt(selinuxRoot);

  const range = (): CategoryRange => {
    if (!selinuxOn) return config.categories;
    const own = readFileSync(path.join(procRoot, 'self', 'attr', 'current'), 'utf8');
    return intersect(config.categories, rangeOfContext(own));
  };
  const reserved = new Set(config.reserved.map((k) => k.replace(/^s0:/, '')));

  /**
   * Everything held anywhere but the registry's committed labels, which are
   * asked about one key at a time (isCommitted): with 500,000 sandboxes a
   * create must not list 500,000 files. Stale pending reservations are removed
   * on the way (we hold the lock).
   */
  async function held(reclaim = true): Promise<Holders> {
    const all: Holders = new Map();
    const records = await recordLevels(paths);
    for (const key of await registry.pendingKeys()) {
      const r = await registry.read(key);
      if (reclaim && r && r.state === 'pending' && !ownerAlive(r) && !records.has(key)) {
        await registry.remove(key, r.sandbox);
        continue;
      }
      all.set(key, r?.sandbox ?? '');
    }
    for (const [k, v] of records) all.set(k, v);
    for (const [k, v] of await treeLevels(paths)) if (!all.has(k)) all.set(k, v);
    if (selinuxOn) for (const [k, v] of await processLevels(procRoot)) if (!all.has(k)) all.set(k, v);
    return all;
  }

  /** Who holds a key, for messages: a sandbox, a process or a tree. */
  async function holderOf(key: string, taken: Holders): Promise<string | undefined> {
    if (!taken.has(key) && !registry.isCommitted(key)) return undefined;
    const h = taken.get(key) || (await registry.read(key))?.sandbox || 'another sandbox';
    return /^(process|tree) /.test(h) ? h : `sandbox '${h}'`;
  }

  async function pick(r: CategoryRange, taken: Holders): Promise<Pair | undefined> {
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

  async function locked<T>(fn: () => Promise<T>): Promise<T> {
    await registry.ensure();
    return withLock(registry.lockFile, fn);
  }

  async function assertNoLabel(sandbox: string): Promise<void> {
    const key = await registry.labelOf(sandbox);
    if (key && (await registry.read(key))?.sandbox === sandbox) {
      throw new ConflictError(`sandbox '${sandbox}' already holds label ${formatLevel(parsePairKey(key)!)}`);
    }
  }

  /** A static label obeys the rules an allocated one does: inside the range, not reserved. */
  function parseStatic(context: string): Label {
    const { pair, level } = parseStaticLabel(context);
    const key = pairKey(pair);
    const where = toolConfigPath(paths);
    if (reserved.has(key)) throw new UsageError(`label ${level} is reserved ([labels] reserved= in ${where}): choose another`);
    const r = range();
    if (pair.a < r.min || pair.b > r.max) throw new UsageError(`label ${level} is outside the categories sandboxes may use (c${r.min}-c${r.max}, [labels] categories= in ${where}${selinuxOn ? ', and this process\'s own range' : ''})`);
    return { pair, level };
  }

  return {
    /** A free label, reserved (pending) for the sandbox until commit(). */
    async allocate(sandbox: string): Promise<Label> {
      return locked(async () => {
        await assertNoLabel(sandbox);
        const r = range();
        const taken = await held();
        const p = await pick(r, taken);
        if (!p) {
          throw new SandboxError(
            `no free MCS label: all ${pairCount(r)} pairs of c${r.min}-c${r.max} are held or reserved; delete a sandbox or widen [labels] categories in ${toolConfigPath(paths)}`,
          );
        }
        await registry.reserve(p, sandbox);
        return { level: formatLevel(p), pair: p };
      });
    },

    /** A free label shown by --dry-run; nothing is reserved or written. */
    async peek(): Promise<Label> {
      const p = await pick(range(), await held(false));
      if (!p) throw new SandboxError('no free MCS label');
      return { level: formatLevel(p), pair: p };
    },

    /** Validate a static label and check nobody else holds it; nothing is reserved. */
    async checkStatic(sandbox: string, context: string): Promise<Label> {
      const { pair, level } = parseStatic(context);
      const holder = await holderOf(pairKey(pair), await held(false));
      if (holder && holder !== `sandbox '${sandbox}'`) throw new ConflictError(`label ${level} is already held by ${holder}`);
      return { level, pair };
    },

    async reserveStatic(sandbox: string, context: string): Promise<Label> {
      const { pair, level } = parseStatic(context);
      return locked(async () => {
        await assertNoLabel(sandbox);
        const holder = await holderOf(pairKey(pair), await held());
        if (holder && holder !== `sandbox '${sandbox}'`) throw new ConflictError(`label ${level} is already held by ${holder}`);
        await registry.reserve(pair, sandbox);
        return { level, pair };
      });
    },

    /** The sandbox exists now: its label stays held even after this process ends. */
    async commit(sandbox: string): Promise<void> {
      await locked(async () => {
        const key = await registry.labelOf(sandbox);
        const r = key ? await registry.read(key) : undefined;
        if (!r || r.sandbox !== sandbox) throw new NotFoundError(`sandbox '${sandbox}' holds no label reservation`);
        if (r.state === 'pending') await registry.commit(r.key);
      });
    },

    async release(sandbox: string): Promise<void> {
      await locked(async () => {
        const entry = await registry.entryOf(sandbox);
        if (entry && 'corrupt' in entry) {
          // Its content is never a path: the reservations naming the sandbox are found by listing them.
          for (const key of await registry.keys()) if ((await registry.read(key))?.sandbox === sandbox) await registry.remove(key, undefined);
          await registry.removeEntry(sandbox);
          return;
        }
        const key = entry?.key;
        if (!key) return;
        const r = await registry.read(key);
        if (!r || r.sandbox === sandbox) await registry.remove(key, sandbox);
      });
    },

    async list(): Promise<HeldLabel[]> {
      const records = await recordLevels(paths);
      const trees = await treeLevels(paths);
      const procs = selinuxOn ? await processLevels(procRoot) : new Map<string, string>();
      const out = new Map<string, HeldLabel>();
      for (const key of await registry.keys()) {
        const r: Reservation | undefined = await registry.read(key);
        if (!r) continue;
        out.set(key, { level: formatLevel(parsePairKey(key)!), sandbox: r.sandbox, state: r.state, onDisk: false, onProcess: false });
      }
      for (const [key, name] of records) {
        if (!out.has(key)) out.set(key, { level: formatLevel(parsePairKey(key)!), sandbox: name, state: 'recorded', onDisk: false, onProcess: false });
      }
      for (const [key, h] of out) {
        h.onDisk = trees.has(key);
        h.onProcess = procs.has(key);
      }
      return [...out.values()].sort((a, b) => a.sandbox.localeCompare(b.sandbox));
    },

    async usage(): Promise<{ held: number; total: number; range: CategoryRange }> {
      const r = range();
      const keys = new Set([...(await registry.keys()), ...(await recordLevels(paths)).keys()]);
      return { held: keys.size, total: pairCount(r) - [...reserved].filter((k) => parsePairKey(k)).length, range: r };
    },
  };
}

export type LabelStore = Awaited<ReturnType<typeof openLabelStore>>;

export function formatLabelsTable(held: HeldLabel[]): string {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  return formatTable(
    ['LABEL', 'SANDBOX', 'STATE', 'ON-DISK', 'ON-PROCESS'],
    held.map((h) => [h.level, h.sandbox, h.state, yes(h.onDisk), yes(h.onProcess)]),
  );
}
