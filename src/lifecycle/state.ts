// What systemd says about sandboxes, gathered in as few D-Bus calls as possible.
import type { SandboxRecord } from '../config/record.js';
import type { SystemdClient } from '../systemd/client.js';
import { unitsOf } from './sandboxes.js';

export interface UnitState {
  unit: string;
  loadState: string;
  activeState: string;
  subState: string;
  enabled: string;
}

export interface SandboxState {
  name: string;
  units: UnitState[];
  /** The worst state of its units, as one word: active, inactive, failed, … */
  state: string;
}

const RANK = ['failed', 'not-found', 'activating', 'deactivating', 'reloading', 'inactive', 'active'];

export function summarise(units: UnitState[]): string {
  if (!units.length) return 'unknown';
  const states = units.map((u) => (u.loadState === 'not-found' ? 'not-found' : u.activeState));
  return states.sort((a, b) => RANK.indexOf(a) - RANK.indexOf(b))[0]!;
}

/** Two calls for any number of sandboxes: loaded units by pattern, unit files by pattern. */
export async function sandboxStates(client: SystemdClient, records: SandboxRecord[]): Promise<SandboxState[]> {
  const names = records.flatMap(unitsOf);
  if (!names.length) return [];
  const [loaded, files] = await Promise.all([client.listUnitsByPatterns(names), client.listUnitFilesByPatterns(names)]);
  const byName = new Map(loaded.map((u) => [u.name, u]));
  const enabled = new Map(files.map((f) => [f.path.split('/').pop()!, f.state]));
  return records.map((r) => {
    const units = unitsOf(r).map((unit): UnitState => {
      const l = byName.get(unit);
      return {
        unit,
        loadState: l?.loadState ?? 'loaded',
        activeState: l?.activeState ?? 'inactive',
        subState: l?.subState ?? 'dead',
        enabled: enabled.get(unit) ?? 'disabled',
      };
    });
    return { name: r.name, units, state: summarise(units) };
  });
}
