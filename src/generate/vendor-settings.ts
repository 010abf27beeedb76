// A vendor unit taken through the table (vendor-keys.ts): the [Unit] and
// [Service] sections as the sandbox's unit keeps them, what was dropped, and
// what makes the unit impossible to sandbox. Pure; create refuses before it writes.
import { UsageError } from '../errors.js';
import { UnitFile, type UnitEntry, type UnitLine } from '../unitfile/index.js';
import { VENDOR_KEYS } from './vendor-keys.js';
import { isTrue, type Outcome, type UnitFacts } from './vendor-rules.js';

export interface VendorChange {
  section: string;
  key: string;
  value: string;
  /** file:line of the assignment */
  where: string;
  reason: string;
}

export interface VendorResult {
  /** A copy of the unit with only [Unit] and [Service], each line kept, translated or dropped. */
  unit: UnitFile;
  /** Dropped or changed lines the admin should hear about (create prints them). */
  notes: VendorChange[];
  refusals: VendorChange[];
}

function unitFacts(u: UnitFile): UnitFacts {
  const busName = u.get('Service', 'BusName');
  return {
    type: u.get('Service', 'Type') ?? (busName ? 'dbus' : 'simple'),
    typeGiven: u.get('Service', 'Type') !== undefined,
    permissionsStartOnly: isTrue(u.get('Service', 'PermissionsStartOnly') ?? 'no'),
  };
}

function outcomeOf(section: 'Unit' | 'Service', e: UnitEntry, facts: UnitFacts): Outcome {
  const rule = VENDOR_KEYS[section][e.key];
  if (e.key.startsWith('X-')) return { kind: 'lines', lines: [{ key: e.key, value: e.value }] }; // ignored by systemd
  if (!rule) return { kind: 'drop', reason: 'not a setting systemd 252 knows, so not known to be safe in a sandbox', note: true };
  // An empty assignment resets a list: harmless, except for a key that goes anyway.
  if (e.value === '' && rule.kind !== 'drop') return { kind: 'lines', lines: [{ key: e.key, value: '' }] };
  switch (rule.kind) {
    case 'copy':
      return { kind: 'lines', lines: [{ key: e.key, value: e.value }] };
    case 'drop':
      return { kind: 'drop', reason: rule.reason, note: rule.note };
    case 'refuse':
      return { kind: 'refuse', reason: rule.reason };
    case 'translate':
      return rule.fn(e.value, e.key, facts);
  }
}

export function vendorSettings(original: UnitFile): VendorResult {
  const u = original.clone();
  for (const s of u.sections()) if (s !== 'Unit' && s !== 'Service') u.removeSection(s);
  const facts = unitFacts(u);
  const notes: VendorChange[] = [];
  const refusals: VendorChange[] = [];
  for (const section of u.sectionList) {
    const name = section.name as 'Unit' | 'Service';
    const lines: UnitLine[] = [];
    for (const l of section.lines) {
      if (l.kind !== 'entry') {
        lines.push(l);
        continue;
      }
      const out = outcomeOf(name, l, facts);
      const change = (reason: string): VendorChange => ({ section: name, key: l.key, value: l.value, where: `${original.file}:${l.line}`, reason });
      if (out.kind === 'refuse') refusals.push(change(out.reason));
      else if (out.kind === 'drop') {
        if (out.note) notes.push(change(`left out: ${out.reason}`));
      } else {
        if (out.note) notes.push(change(out.note));
        const unchanged = out.lines.length === 1 && out.lines[0]!.key === l.key && out.lines[0]!.value === l.value;
        if (unchanged) lines.push(l);
        else for (const n of out.lines) lines.push({ kind: 'entry', key: n.key, value: n.value, line: l.line });
      }
    }
    section.lines = lines;
  }
  return { unit: u, notes, refusals };
}

/** One line naming the unit, each refused key and value, and why. */
export function refusalMessage(unit: string, refusals: VendorChange[]): string {
  const each = refusals.map((r) => `${r.key}=${r.value} (${r.where}): ${r.reason}`);
  return `${unit} cannot be sandboxed: ${each.join('; ')}`;
}

export function noteLine(unit: string, n: VendorChange): string {
  return `sandbox: note: ${unit}: ${n.key}=${n.value} (${n.where}) ${n.reason}`;
}

/** The vendor settings of a unit that can be sandboxed; a UsageError (exit 2) naming every refused key otherwise. */
export function sandboxableSettings(unit: string, original: UnitFile): VendorResult {
  const r = vendorSettings(original);
  if (r.refusals.length) throw new UsageError(refusalMessage(unit, r.refusals));
  return r;
}
