// Typed, JSON-safe views of unit properties. D-Bus 't' arrives as BigInt (which
// JSON.stringify rejects); systemd uses UINT64_MAX for "not set".
import type { Variant } from 'dbus-next';

const UINT64_MAX = 2n ** 64n - 1n;

export interface UnitProperties {
  id: string;
  description: string;
  loadState: string;
  activeState: string;
  subState: string;
  fragmentPath: string;
  dropInPaths: string[];
  unitFileState: string;
  /** Units that are PartOf= this one, and what it Wants=/Requires= (an umbrella unit's workers). */
  consistsOf: string[];
  wants: string[];
}

export interface ServiceProperties {
  mainPid: number;
  /** bytes, undefined when memory accounting is off */
  memoryCurrent: number | undefined;
  /** undefined when tasks accounting is off */
  tasksCurrent: number | undefined;
  /** nanoseconds of CPU time, undefined when CPU accounting is off */
  cpuUsageNSec: number | undefined;
  execMainStatus: number;
  result: string;
  selinuxContext: string;
  /** CapabilityBoundingSet= as systemd holds it, in hex (a string: the object stays JSON-safe). */
  capabilityBoundingSet: string;
  /** UMask= (0022 unless set). */
  umask: number;
}

export type VariantMap = Record<string, Variant>;

function raw(props: VariantMap, key: string): unknown {
  return props[key]?.value;
}

export function str(props: VariantMap, key: string): string {
  const v = raw(props, key);
  return typeof v === 'string' ? v : '';
}

/** A D-Bus integer as a number; undefined for "not set" or values past 2^53. */
export function num(props: VariantMap, key: string): number | undefined {
  const v = raw(props, key);
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') {
    if (v === UINT64_MAX || v > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    return Number(v);
  }
  return undefined;
}

export function strList(props: VariantMap, key: string): string[] {
  const v = raw(props, key);
  return Array.isArray(v) ? v.map(String) : [];
}

export function toUnitProperties(p: VariantMap): UnitProperties {
  return {
    id: str(p, 'Id'),
    description: str(p, 'Description'),
    loadState: str(p, 'LoadState'),
    activeState: str(p, 'ActiveState'),
    subState: str(p, 'SubState'),
    fragmentPath: str(p, 'FragmentPath'),
    dropInPaths: strList(p, 'DropInPaths'),
    unitFileState: str(p, 'UnitFileState'),
    consistsOf: strList(p, 'ConsistsOf'),
    wants: [...strList(p, 'Wants'), ...strList(p, 'Requires')],
  };
}

export function toServiceProperties(p: VariantMap): ServiceProperties {
  // SELinuxContext is (bs): [ignore-errors, context]
  const ctx = raw(p, 'SELinuxContext');
  const bounding = raw(p, 'CapabilityBoundingSet');
  return {
    mainPid: num(p, 'MainPID') ?? 0,
    memoryCurrent: num(p, 'MemoryCurrent'),
    tasksCurrent: num(p, 'TasksCurrent'),
    cpuUsageNSec: num(p, 'CPUUsageNSec'),
    execMainStatus: num(p, 'ExecMainStatus') ?? 0,
    result: str(p, 'Result'),
    selinuxContext: Array.isArray(ctx) ? String(ctx[1] ?? '') : '',
    capabilityBoundingSet: (typeof bounding === 'bigint' ? bounding : UINT64_MAX).toString(16),
    umask: num(p, 'UMask') ?? 0o022,
  };
}

export interface ListedUnit {
  name: string;
  description: string;
  loadState: string;
  activeState: string;
  subState: string;
  path: string;
}

/** One row of ListUnits/ListUnitsByPatterns: a(ssssssouso). */
export function toListedUnit(row: unknown[]): ListedUnit {
  return {
    name: String(row[0]),
    description: String(row[1]),
    loadState: String(row[2]),
    activeState: String(row[3]),
    subState: String(row[4]),
    path: String(row[6]),
  };
}
