// Which generated files belong to a sandbox, and which of them it shares with
// the other sandboxes of the same service (the template body, the target).
import type { SandboxRecord } from '../config/record.js';
import { sandboxUnitPaths, type OwnedFile } from '../layout.js';

/** Host paths under unitDir; `others` are the records of the remaining sandboxes. */
export function filesToRemove(unitDir: string, r: SandboxRecord, others: SandboxRecord[]): OwnedFile[] {
  return r.units.flatMap((unit) => sandboxUnitPaths(unitDir, unit, r.name, !others.some((o) => o.units.includes(unit))));
}
