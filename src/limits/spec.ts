// Resource limits of a sandbox (create --memory/--cpu/--tasks/--io-weight,
// sandbox set): parsed and checked before anything is written, and rendered
// as systemd's own settings (MemoryMax=, CPUQuota=, TasksMax=, IOWeight=).
import { UsageError, shown } from '../errors.js';

export interface Limits {
  /** Bytes. */
  memory?: number;
  /** Percent of one CPU (200: two CPUs' worth). */
  cpu?: number;
  tasks?: number;
  ioWeight?: number;
}

/** What the host has, for the upper bounds. */
export interface HostSize {
  memoryBytes: number;
  cpus: number;
}

export const LIMIT_KEYS = ['memory', 'cpu', 'tasks', 'io-weight'] as const;
export type LimitKey = (typeof LIMIT_KEYS)[number];

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

function bad(option: string, value: string, why: string): never {
  throw new UsageError(`${option} ${shown(value)}: ${why}`);
}

/** SIZE: bytes, or with K, M, G, T (powers of 1024, as systemd reads them; KiB/MB spellings too). */
export function parseMemory(value: string, host: HostSize, option = '--memory'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(value.trim());
  if (!m) bad(option, value, 'expected a size like 512M or 2G (K, M, G, T: powers of 1024)');
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2]!.toUpperCase()]!);
  if (bytes < 4096) bad(option, value, 'below one page (4K): the service could not start');
  if (bytes > host.memoryBytes) bad(option, value, `above the host's memory (${Math.floor(host.memoryBytes / 1024 ** 2)}M)`);
  return bytes;
}

function parseWhole(option: string, value: string, min: number, max: number, what: string): number {
  if (!/^\d+$/.test(value.trim())) bad(option, value, `expected a whole number (${what})`);
  const n = Number(value);
  if (n < min || n > max) bad(option, value, `must be ${min} to ${max} (${what})`);
  return n;
}

export function parseCpu(value: string, host: HostSize, option = '--cpu'): number {
  return parseWhole(option, value.replace(/%$/, ''), 1, host.cpus * 100, `percent of one CPU; this host has ${host.cpus}`);
}

export function parseTasks(value: string, option = '--tasks'): number {
  return parseWhole(option, value, 1, 4194304, 'processes and threads');
}

export function parseIoWeight(value: string, option = '--io-weight'): number {
  return parseWhole(option, value, 1, 10000, 'relative to 100, the default');
}

/** One KEY=VALUE of sandbox set; VALUE 'none' lifts the limit (undefined). */
export function parseAssignment(arg: string, host: HostSize): [keyof Limits, number | undefined] {
  const m = /^([a-z-]+)=(.*)$/.exec(arg);
  if (!m || !(LIMIT_KEYS as readonly string[]).includes(m[1]!)) throw new UsageError(`${shown(arg)}: expected KEY=VALUE with KEY one of ${LIMIT_KEYS.join(', ')}`);
  const [key, value] = [m[1] as LimitKey, m[2]!];
  const field: keyof Limits = key === 'io-weight' ? 'ioWeight' : key;
  if (value === 'none') return [field, undefined];
  const n =
    key === 'memory' ? parseMemory(value, host, 'memory=') : key === 'cpu' ? parseCpu(value, host, 'cpu=') : key === 'tasks' ? parseTasks(value, 'tasks=') : parseIoWeight(value, 'io-weight=');
  return [field, n];
}

export function hasLimits(l: Limits): boolean {
  return l.memory !== undefined || l.cpu !== undefined || l.tasks !== undefined || l.ioWeight !== undefined;
}

/** The [Service] lines, in systemd's spelling. */
export function limitLines(l: Limits): string[] {
  return [
    ...(l.memory !== undefined ? [`MemoryMax=${l.memory}`] : []),
    ...(l.cpu !== undefined ? [`CPUQuota=${l.cpu}%`] : []),
    ...(l.tasks !== undefined ? [`TasksMax=${l.tasks}`] : []),
    ...(l.ioWeight !== undefined ? [`IOWeight=${l.ioWeight}`] : []),
  ];
}

/** As the record keeps them and status shows them: memory=536870912 cpu=50 … */
export function formatLimits(l: Limits): string[] {
  return [
    ...(l.memory !== undefined ? [`memory=${l.memory}`] : []),
    ...(l.cpu !== undefined ? [`cpu=${l.cpu}`] : []),
    ...(l.tasks !== undefined ? [`tasks=${l.tasks}`] : []),
    ...(l.ioWeight !== undefined ? [`io-weight=${l.ioWeight}`] : []),
  ];
}

/** The record's limits= words back (already checked when written; a bad word is the caller's error). */
export function parseRecordedLimits(words: string[]): Limits {
  const out: Limits = {};
  for (const w of words) {
    const m = /^(memory|cpu|tasks|io-weight)=(\d+)$/.exec(w);
    if (!m) throw new Error(`not a recorded limit: ${w}`);
    out[m[1] === 'io-weight' ? 'ioWeight' : (m[1] as 'memory' | 'cpu' | 'tasks')] = Number(m[2]);
  }
  return out;
}
