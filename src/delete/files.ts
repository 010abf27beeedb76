// Which generated files belong to a sandbox, and which of them it shares with
// the other sandboxes of the same service (the template body, the target).
import path from 'node:path';
import type { SandboxRecord } from '../config/record.js';
import { instanceName, prefixOf, targetName } from '../generate/units.js';
import { PROFILE_DROPIN } from '../generate/profiles.js';
import { publishPaths, templateLinks } from '../publish/units.js';
import { parsePublish } from '../publish/spec.js';

export interface OwnedFile {
  path: string;
  role: 'service' | 'dropin' | 'target' | 'profile' | 'link';
}

/** Host paths under unitDir; `others` are the records of the remaining sandboxes. */
export function filesToRemove(unitDir: string, r: SandboxRecord, others: SandboxRecord[]): OwnedFile[] {
  const out: OwnedFile[] = [];
  for (const unit of r.units) {
    const inst = instanceName(unit, r.name);
    out.push({ path: path.join(unitDir, inst), role: 'service' });
    out.push({ path: path.join(unitDir, `${inst}.d`, PROFILE_DROPIN), role: 'profile' });
    out.push({ path: path.join(unitDir, `${inst}.d`, '50-sandbox.conf'), role: 'dropin' });
    if (!others.some((o) => o.units.includes(unit))) {
      out.push({ path: path.join(unitDir, `${prefixOf(unit)}@.service`), role: 'service' });
      out.push({ path: path.join(unitDir, targetName(unit)), role: 'target' });
    }
  }
  // Published ports: their drop-ins, and the shipped templates' links once no other sandbox publishes.
  const published = (r.publish ?? []).map(parsePublish);
  const main = r.units[0] ? instanceName(r.units[0], r.name) : undefined;
  if (main) for (const p of publishPaths(unitDir, r.name, main, published)) out.push({ path: p, role: 'dropin' });
  if (!others.some((o) => o.publish?.length)) for (const l of templateLinks(unitDir)) out.push({ path: l.path, role: 'link' });
  return out;
}
