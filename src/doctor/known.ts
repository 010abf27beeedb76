// What the consistency checks share: a finding, and what is known to belong
// to a sandbox (so it is never called an orphan).
import type { SandboxRecord } from '../config/record.js';
import { prefixOf } from '../layout.js';

export interface Finding {
  /** The check's name in doctor's output, e.g. 'orphan tree'. */
  kind: string;
  severity: 'warn' | 'fail';
  /** What is wrong, e.g. "tree /var/lib/sandbox/x has no record". */
  detail: string;
  /** How it is fixed, e.g. "'sandbox doctor --repair' removes it". */
  fix: string;
  /** Removes it; only for files the tool generated. */
  repair?: () => Promise<void>;
}

/** What the leftover checks must not touch. */
export interface Known {
  records: Map<string, SandboxRecord>;
  /** Names whose record exists but cannot be read: nothing of theirs is an orphan. */
  unreadable: Set<string>;
  /** Names an unfinished create or delete holds (an intent or a delete marker): recovery deals with their files. */
  pending: Set<string>;
}

export function ownedBy(k: Known, name: string, unitPrefix?: string): boolean {
  if (k.unreadable.has(name) || k.pending.has(name)) return true;
  const r = k.records.get(name);
  return r !== undefined && (unitPrefix === undefined || r.units.some((u) => prefixOf(u) === unitPrefix));
}

/** A service's shared units (template, target) stay while any sandbox of it might exist. */
export function serviceInUse(k: Known, unitPrefix: string): boolean {
  return k.unreadable.size > 0 || k.pending.size > 0 || [...k.records.values()].some((r) => r.units.some((u) => prefixOf(u) === unitPrefix));
}
