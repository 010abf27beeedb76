// Which generated files belong to a sandbox, and which of them it shares with
// the other sandboxes of the same service (the template body, the target) or
// with every sandbox that publishes a port (the publish templates' links).
import type { SandboxRecord } from '../config/record.js';
import { limitsDropInPath, sandboxUnitPaths, type OwnedFile } from '../layout.js';
import { publishingUnit, publishPaths, templateLinks } from '../publish/units.js';
import { recordedPorts } from '../publish/spec.js';

/** Host paths under unitDir; `others` are the records of the remaining sandboxes. */
export function filesToRemove(unitDir: string, r: SandboxRecord, others: SandboxRecord[]): OwnedFile[] {
  const out = r.units.flatMap((unit) => sandboxUnitPaths(unitDir, unit, r.name, !others.some((o) => o.units.includes(unit))));
  // Its limits' drop-ins (whether it has limits now or had them: only our own file is removed).
  for (const unit of r.units) out.push({ path: limitsDropInPath(unitDir, unit, r.name), role: 'dropin' });
  if (r.units.length) for (const p of publishPaths(unitDir, r.name, publishingUnit(r), recordedPorts(r))) out.push({ path: p, role: 'dropin' });
  if (!others.some((o) => o.publish?.length)) for (const l of templateLinks(unitDir)) out.push({ path: l.path, role: 'link' });
  return out;
}
