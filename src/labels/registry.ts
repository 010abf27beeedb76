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
import { pairKey, parsePairKey, type Pair } from '../selinux/mcs.js';

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

export function registryDir(paths: Paths): string {
  return path.join(paths.stateDir, '.labels');
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

async function writeWhole(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
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
    this.byName = path.join(this.dir, 'by-name');
    this.pendingDir = path.join(this.dir, 'pending');
    this.heldDir = path.join(this.dir, 'held');
  }

  async ensure(): Promise<void> {
    for (const d of [this.byName, this.pendingDir, this.heldDir]) await fs.mkdir(d, { recursive: true, mode: 0o700 });
  }

  get lockFile(): string {
    return path.join(this.dir, '.lock');
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
    for (const [dir, state] of [
      [this.heldDir, 'committed'],
      [this.pendingDir, 'pending'],
    ] as const) {
      try {
        const r = JSON.parse(await fs.readFile(path.join(dir, key), 'utf8')) as Omit<Reservation, 'key' | 'state'>;
        return { ...r, key, state };
      } catch {
        /* not in this one */
      }
    }
    return undefined;
  }

  async labelOf(sandbox: string): Promise<string | undefined> {
    try {
      return (await fs.readFile(path.join(this.byName, sandbox), 'utf8')).trim();
    } catch {
      return undefined;
    }
  }

  /** A new pending reservation (the caller holds the lock and checked the key is free). */
  async reserve(pair: Pair, sandbox: string): Promise<Reservation> {
    const key = pairKey(pair);
    const r: Reservation = { key, sandbox, state: 'pending', pid: process.pid, start: processStart(process.pid) ?? '', since: new Date().toISOString() };
    const { key: _k, state: _s, ...body } = r;
    await writeWhole(path.join(this.pendingDir, key), JSON.stringify(body) + '\n');
    await writeWhole(path.join(this.byName, sandbox), key + '\n');
    return r;
  }

  /** pending → committed, in one rename. */
  async commit(key: string): Promise<void> {
    await fs.rename(path.join(this.pendingDir, key), path.join(this.heldDir, key));
  }

  async remove(key: string, sandbox: string | undefined): Promise<void> {
    await fs.rm(path.join(this.pendingDir, key), { force: true });
    await fs.rm(path.join(this.heldDir, key), { force: true });
    if (sandbox && (await this.labelOf(sandbox)) === key) await fs.rm(path.join(this.byName, sandbox), { force: true });
  }
}
