// The tool's own record of held labels, one small file per label naming its
// sandbox: <stateDir>/.labels/pending/<cA,cB> while its create runs (with the
// creating process, so a dead one's reservation can be reclaimed), then
// .labels/held/<cA,cB> once the sandbox exists; .labels/by-name/<sandbox>
// names its label. Allocating lists and reads only pending files and asks
// about held ones one key at a time (a stat), so it stays cheap with many
// sandboxes. Files are written whole
// (temp + rename) under the registry lock.
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../paths.js';
import { REGISTRY_PARTS, registryDir, wholeTempPath } from '../layout.js';
import { pairKey, parsePairKey, type Pair } from '../selinux/mcs.js';
import { isValidInstanceName } from '../unitfile/names.js';

export type ReservationState = 'pending' | 'committed';

export interface Reservation {
  key: string;
  sandbox: string;
  state: ReservationState;
  pid: number;
  /** The owner's start time (field 22 of /proc/PID/stat) so a reused PID is not mistaken for it. */
  start: string;
  since: string;
}

export function processStart(pid: number, procRoot = '/proc'): string | undefined {
  try {
    const stat = readFileSync(path.join(procRoot, String(pid), 'stat'), 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function ownerAlive(r: Reservation, procRoot = '/proc'): boolean {
  const start = processStart(r.pid, procRoot);
  return start !== undefined && start === r.start;
}

/**
 * What a by-name file says. Its content becomes a file name in held/ and
 * pending/: anything but a pair key (`../../victim`) is corrupt and is never
 * used as a path; doctor reports it and doctor --repair rewrites or removes it.
 */
export type ByNameEntry = { key: string } | { corrupt: string };

/** A reservation file's body, checked field by field: its sandbox name becomes a path in by-name/. */
function parseReservation(text: string): Omit<Reservation, 'key' | 'state'> | undefined {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof r !== 'object' || r === null) return undefined;
  const { sandbox, pid, start, since } = r as Record<string, unknown>;
  if (typeof sandbox !== 'string' || !isValidInstanceName(sandbox)) return undefined;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || typeof start !== 'string' || typeof since !== 'string') return undefined;
  return { sandbox, pid, start, since };
}

/** A key about to become a file name: a bug if it is not a pair key (callers parse what they read). */
function checkedKey(key: string): string {
  if (parsePairKey(key) === undefined) throw new Error(`internal: not a label key: ${JSON.stringify(key)}`);
  return key;
}

function checkedName(sandbox: string): string {
  if (!isValidInstanceName(sandbox)) throw new Error(`internal: not a sandbox name: ${JSON.stringify(sandbox)}`);
  return sandbox;
}

async function writeWhole(file: string, text: string): Promise<void> {
  const tmp = wholeTempPath(file);
  await fs.writeFile(tmp, text, { mode: 0o600 });
  await fs.rename(tmp, file);
}

export class Registry {
  readonly dir: string;
  readonly byName: string;
  /** Reservations of creates in progress: read to tell whether their owner still lives. */
  readonly pendingDir: string;
  /** Labels of existing sandboxes: only their names are listed when allocating. */
  readonly heldDir: string;

  constructor(paths: Paths) {
    this.dir = registryDir(paths);
    this.byName = path.join(this.dir, REGISTRY_PARTS.byName);
    this.pendingDir = path.join(this.dir, REGISTRY_PARTS.pending);
    this.heldDir = path.join(this.dir, REGISTRY_PARTS.held);
  }

  async ensure(): Promise<void> {
    for (const d of [this.byName, this.pendingDir, this.heldDir]) await fs.mkdir(d, { recursive: true, mode: 0o700 });
  }

  get lockFile(): string {
    return path.join(this.dir, REGISTRY_PARTS.lock);
  }

  private static pairs(names: string[]): string[] {
    return names.filter((n) => parsePairKey(n) !== undefined);
  }

  private static async list(dir: string): Promise<string[]> {
    return Registry.pairs(await fs.readdir(dir).catch(() => [] as string[]));
  }

  /** Keys of creates in progress (few). */
  pendingKeys(): Promise<string[]> {
    return Registry.list(this.pendingDir);
  }

  /** Keys of existing sandboxes (one directory listing: as many as there are sandboxes). */
  committedKeys(): Promise<string[]> {
    return Registry.list(this.heldDir);
  }

  /** Is this key committed? One stat, whatever the number of sandboxes. */
  isCommitted(key: string): boolean {
    return existsSync(path.join(this.heldDir, key));
  }

  async keys(): Promise<string[]> {
    return [...(await this.committedKeys()), ...(await this.pendingKeys())];
  }

  async read(key: string): Promise<Reservation | undefined> {
    if (parsePairKey(key) === undefined) return undefined;
    for (const [dir, state] of [
      [this.heldDir, 'committed'],
      [this.pendingDir, 'pending'],
    ] as const) {
      const text = await fs.readFile(path.join(dir, key), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const r = parseReservation(text);
      return r ? { ...r, key, state } : undefined;
    }
    return undefined;
  }

  /** The by-name file of a sandbox: its key, corrupt content, or undefined when there is none. */
  async entryOf(sandbox: string): Promise<ByNameEntry | undefined> {
    if (!isValidInstanceName(sandbox)) return undefined;
    let text: string;
    try {
      text = await fs.readFile(path.join(this.byName, sandbox), 'utf8');
    } catch {
      return undefined;
    }
    const key = text.trim();
    return parsePairKey(key) !== undefined ? { key } : { corrupt: text };
  }

  /** The label key a sandbox's by-name file names; undefined when none or corrupt. */
  async labelOf(sandbox: string): Promise<string | undefined> {
    const e = await this.entryOf(sandbox);
    return e && 'key' in e ? e.key : undefined;
  }

  /** Rewrite a by-name file (doctor --repair of a corrupt one). */
  async setLabelOf(sandbox: string, key: string): Promise<void> {
    await writeWhole(path.join(this.byName, checkedName(sandbox)), checkedKey(key) + '\n');
  }

  /** Remove a by-name file, whatever it says. */
  async removeEntry(sandbox: string): Promise<void> {
    await fs.rm(path.join(this.byName, checkedName(sandbox)), { force: true });
  }

  /** A new pending reservation (the caller holds the lock and checked the key is free). */
  async reserve(pair: Pair, sandbox: string): Promise<Reservation> {
    const key = pairKey(pair);
    checkedName(sandbox);
    const r: Reservation = { key, sandbox, state: 'pending', pid: process.pid, start: processStart(process.pid) ?? '', since: new Date().toISOString() };
    const { key: _k, state: _s, ...body } = r;
    await writeWhole(path.join(this.pendingDir, key), JSON.stringify(body) + '\n');
    await writeWhole(path.join(this.byName, sandbox), key + '\n');
    return r;
  }

  /** pending → committed, in one rename. */
  async commit(key: string): Promise<void> {
    await fs.rename(path.join(this.pendingDir, checkedKey(key)), path.join(this.heldDir, key));
  }

  async remove(key: string, sandbox: string | undefined): Promise<void> {
    await fs.rm(path.join(this.pendingDir, checkedKey(key)), { force: true });
    await fs.rm(path.join(this.heldDir, key), { force: true });
    if (sandbox && (await this.labelOf(sandbox)) === key) await this.removeEntry(sandbox);
  }
}
