// --dry-run: the whole plan as text, nothing written: what is copied and why,
// the change list (through the one formatter), each file's content.
import { serializeRecord } from '../config/record.js';
import { recordHostPath } from '../layout.js';
import type { CreatePlan } from './plan.js';
import type { Change } from '../apply/change.js';
import { summariseChanges } from '../output/changes.js';

export interface PayloadSize {
  files: number;
  bytes: number;
}

/** The changes section of a dry run (create's and clone's): the change list as a human reads it (--json gives it whole). */
export function changesSection(changes: readonly Change[]): string[] {
  return ['Changes:', ...summariseChanges(changes).map((l) => `  ${l}`), ''];
}

export function formatPlan(plan: CreatePlan, size: PayloadSize | undefined, labelNote: string, changes: readonly Change[]): string {
  const out: string[] = [];
  out.push(`Sandbox ${plan.name} (dry run: nothing is written)`);
  out.push(`  Units:    ${plan.units.join(' ')}`);
  out.push(`  Packages: ${plan.record.packages.join(' ')}`);
  out.push(`  Tree:     ${plan.tree}`);
  out.push(`  Label:    ${plan.label.level}${labelNote}`);
  out.push(`  Process:  ${plan.label.processContext}`);
  out.push(`  Files:    ${plan.label.fileContext}`);
  out.push(`  Network:  ${plan.record.network === 'none' ? 'private (lo only)' : 'host'}`);
  out.push(`  Profile:  ${plan.record.profile}`);
  if (plan.record.dbus === 'host') out.push(`  D-Bus:    the host's system bus (--allow-dbus)`);
  out.push('');
  const sizeNote = size ? ` (${size.files} entries, ${size.bytes} bytes)` : '';
  out.push(`Copy ${plan.payload.entries.length} paths${sizeNote}:`);
  for (const e of plan.payload.entries) out.push(`  ${e.how.padEnd(5)}  ${e.path}  # ${e.reason}`);
  for (const x of plan.payload.excludes) out.push(`  skip   ${x}  # --exclude`);
  if (plan.create.length) {
    out.push('Create:');
    for (const c of plan.create) out.push(`  ${c.file ? 'file' : 'dir '}   ${c.path}  # ${c.reason}, owner ${c.uid}:${c.gid}`);
  }
  out.push('', ...changesSection(changes));
  for (const f of plan.files) out.push(`---${f.path}---`, f.linkTo !== undefined ? `-> ${f.linkTo}` : f.content.trimEnd(), '');
  out.push(`---${recordHostPath(plan.name)}---`, serializeRecord(plan.record).trimEnd());
  return out.join('\n') + '\n';
}
