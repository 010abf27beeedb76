// labels/: the MCS label allocator and its registry.
// The label allocator, the main file of labels/: every sandbox gets an MCS
// pair nobody else holds. Allocation runs under the registry lock (lock.ts),
// checks every holder (holders.ts: the registry, the sandbox records, the tree
// roots and, with SELinux on, running processes), draws a free pair (pick.ts)
// and fails at once when the space is full: it never loops forever.
import { ConflictError, NotFoundError, SandboxError, UsageError } from '../errors.js';
import type { Paths } from '../paths.js';
import { readToolConfig, type ToolConfig } from '../config/tool-config.js';
import { toolConfigPath } from '../layout.js';
import { selinuxfs, selinuxOnAt } from '../selinux/state.js';
import { formatLevel, pairCount, pairKey, parsePairKey, parseStaticLabel, type CategoryRange, type Pair } from '../selinux/mcs.js';
import { withLock } from './lock.js';
import { Registry, type Reservation } from './registry.js';
import { processLevels, recordLevels, treeLevels, type Holders } from './sources.js';
import { heldLabels, holderName, outsideLevels, type Outside } from './holders.js';
import { allowedRange, pickFree } from './pick.js';

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

export async function openLabelStore(paths: Paths, opts: StoreOptions = {}) {
  const config = opts.config ?? (await readToolConfig(paths));
  const procRoot = opts.procRoot ?? paths.host('/proc');
  const selinuxRoot = opts.selinuxRoot ?? selinuxfs(paths);
  const random = opts.random ?? Math.random;
  const registry = new Registry(paths);
  const selinuxOn = selinuxOnAt(selinuxRoot);

  const range = (): CategoryRange => allowedRange(config.categories, selinuxOn, procRoot);
  const reserved = new Set(config.reserved.map((k) => k.replace(/^s0:/, '')));
  let outside: Promise<Outside> | undefined;
  const held = async (reclaim = true): Promise<Holders> => heldLabels(paths, registry, await (outside ??= outsideLevels(paths)), { reclaim, selinuxOn, procRoot });
  const holderOf = (key: string, taken: Holders) => holderName(registry, key, taken);
  const pick = (r: CategoryRange, taken: Holders) => pickFree(registry, r, taken, reserved, random);

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
