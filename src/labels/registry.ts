// The tool's own record of held labels: <stateDir>/.labels/<cA,cB>, one small
// file per label naming its sandbox, and .labels/by-name/<sandbox> naming its
// label. Files are written whole (temp + rename) under the registry lock.
// A reservation is 'pending' while its create runs and 'committed' once the
// sandbox record exists; a pending one whose process is gone is reclaimable.
import { promises as fs, readFileSync } from 'node:fs';
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

  constructor(paths: Paths) {
    this.dir = registryDir(paths);
    this.byName = path.join(this.dir, 'by-name');
  }

  async ensure(): Promise<void> {
    await fs.mkdir(this.byName, { recursive: true, mode: 0o700 });
  }

  get lockFile(): string {
    return path.join(this.dir, '.lock');
  }

  /** The keys of every reservation, from one directory listing. */
  async keys(): Promise<string[]> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => parsePairKey(n) !== undefined);
  }

  async read(key: string): Promise<Reservation | undefined> {
    try {
      const r = JSON.parse(await fs.readFile(path.join(this.dir, key), 'utf8')) as Omit<Reservation, 'key'>;
      return { ...r, key };
    } catch {
      return undefined;
    }
  }

  async labelOf(sandbox: string): Promise<string | undefined> {
    try {
      return (await fs.readFile(path.join(this.byName, sandbox), 'utf8')).trim();
    } catch {
      return undefined;
    }
  }

  async write(pair: Pair, sandbox: string, state: ReservationState): Promise<Reservation> {
    const key = pairKey(pair);
    const r: Reservation = { key, sandbox, state, pid: process.pid, start: processStart(process.pid) ?? '', since: new Date().toISOString() };
    const { key: _k, ...body } = r;
    await writeWhole(path.join(this.dir, key), JSON.stringify(body) + '\n');
    await writeWhole(path.join(this.byName, sandbox), key + '\n');
    return r;
  }

  async setState(r: Reservation, state: ReservationState): Promise<void> {
    const { key, ...body } = { ...r, state };
    await writeWhole(path.join(this.dir, key), JSON.stringify(body) + '\n');
  }

  async remove(key: string, sandbox: string | undefined): Promise<void> {
    await fs.rm(path.join(this.dir, key), { force: true });
    if (sandbox && (await this.labelOf(sandbox)) === key) await fs.rm(path.join(this.byName, sandbox), { force: true });
  }
}
