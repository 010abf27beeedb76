// clone --dry-run: the plan as text, nothing written (the same shape as create's).
import { serializeRecord } from '../config/record.js';
import { recordHostPath } from '../layout.js';
import { changesSection, type PayloadSize } from '../create/print-plan.js';
import type { Change } from '../apply/change.js';
import type { ClonePlan } from './plan.js';

export function formatClonePlan(plan: ClonePlan, size: PayloadSize, labelNote: string, changes: readonly Change[]): string {
  const out: string[] = [];
  out.push(`Sandbox ${plan.name}, a clone of ${plan.source.name} (dry run: nothing is written)`);
  out.push(`  Units:    ${plan.units.join(' ')}`);
  out.push(`  Tree:     ${plan.tree}, copied from ${plan.source.tree} (${size.files} entries, ${size.bytes} bytes; file by file, not a snapshot)`);
  out.push(`  Label:    ${plan.label.level}${labelNote}`);
  out.push(`  Process:  ${plan.label.processContext}`);
  out.push(`  Files:    ${plan.label.fileContext}`);
  out.push(`  Network:  ${plan.record.network === 'none' ? 'private (lo only)' : 'host'}`);
  out.push(`  Profile:  ${plan.record.profile}`);
  for (const n of plan.notes) out.push(`  Note:     ${n}`);
  out.push('', ...changesSection(changes));
  for (const f of plan.files) out.push(`---${f.path}---`, f.linkTo !== undefined ? `-> ${f.linkTo}` : f.content.trimEnd(), '');
  out.push(`---${recordHostPath(plan.name)}---`, serializeRecord(plan.record).trimEnd());
  return out.join('\n') + '\n';
}
