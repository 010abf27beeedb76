// `sandbox labels` as a table: one row per held label.
import type { HeldLabel } from '../labels/store.js';
import { formatTable } from './table.js';

export function formatLabelsTable(held: HeldLabel[]): string {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  return formatTable(
    ['LABEL', 'SANDBOX', 'STATE', 'ON-DISK', 'ON-PROCESS'],
    held.map((h) => [h.level, h.sandbox, h.state, yes(h.onDisk), yes(h.onProcess)]),
  );
}
