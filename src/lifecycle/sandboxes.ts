// From sandbox names to their records and systemd units.
import { NotFoundError, shown, UsageError } from '../errors.js';
import { listRecords, readRecord, type SandboxRecord } from '../config/record.js';
import type { Paths } from '../paths.js';
import { instanceName } from '../layout.js';
import { isValidInstanceName } from '../unitfile/index.js';

export function validateName(name: string): void {
  if (!isValidInstanceName(name)) {
    throw new UsageError(
      `${shown(name)} is not a valid sandbox name: use 1-64 letters, digits, '_', '.', '-', not starting with '-' or '.', no '..'`,
    );
  }
}

export async function requireRecord(paths: Paths, name: string): Promise<SandboxRecord> {
  validateName(name);
  const r = await readRecord(paths, name);
  if (!r) throw new NotFoundError(`no sandbox named '${name}'; 'sandbox list' shows the existing ones`);
  return r;
}

export async function requireRecords(paths: Paths, names: string[]): Promise<SandboxRecord[]> {
  const out: SandboxRecord[] = [];
  for (const n of names) out.push(await requireRecord(paths, n));
  return out;
}

/** The systemd units that run a sandbox: UNIT@NAME.service for each service it was made from. */
export function unitsOf(r: SandboxRecord): string[] {
  return r.units.map((u) => instanceName(u, r.name));
}

/** Every sandbox made from a service (for --all UNIT). */
export async function sandboxesOfService(paths: Paths, unit: string): Promise<SandboxRecord[]> {
  const all = await listRecords(paths);
  const service = unit.includes('.') ? unit : `${unit}.service`;
  return all.filter((r) => r.units.includes(service));
}
