// doctor/: the checks of `sandbox doctor` (host, SELinux, consistency, leftovers) and their repairs.
// `sandbox doctor`'s consistency checks: does every record have its tree,
// units and label, and is anything of a sandbox left without its record?
// Each finding says how to fix it; a finding with `repair` is something the
// tool generated and `doctor --repair` may remove. A record is never removed
// automatically: a record without its tree is fixed by `sandbox delete NAME`.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../paths.js';
import { readRecords, type SandboxRecord } from '../config/record.js';
import { deletingNameOf, isOurs, linkedProfile, manifestPath, profileLinkPath, sandboxDropInPath, stateEntry, targetName, templateName, instanceName } from '../layout.js';
import { DEFAULT_UNIT_DIR } from '../paths.js';
import { Registry } from '../labels/registry.js';
import { pairKey, parseLevel } from '../selinux/mcs.js';
import { readIntent } from '../recovery/intent.js';
import { readJournal } from '../upgrade/journal.js';
import { pidAlive } from '../recovery/pid-alive.js';
import { fail, ok, warn, type Check } from './result.js';
import { leftovers } from './leftovers.js';
import { corruptLabelEntries } from './label-entries.js';
import type { Finding, Known } from './known.js';

async function lstatKind(p: string): Promise<'dir' | 'link' | 'other' | undefined> {
  const st = await fs.lstat(p).catch(() => undefined);
  return st === undefined ? undefined : st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'other';
}

/** A record's own parts: tree, units, manifest, label. Nothing here is repaired automatically. */
async function checkRecord(paths: Paths, r: SandboxRecord): Promise<Finding[]> {
  const out: Finding[] = [];
  const recreate = `'sandbox delete ${r.name}' removes what is left (then create it again)`;
  const tree = await lstatKind(paths.host(r.tree));
  if (tree !== 'dir') {
    const what = tree === undefined ? `its tree ${r.tree} is missing` : `its tree ${r.tree} is not a directory`;
    out.push({ kind: 'record without tree', severity: 'fail', detail: `sandbox '${r.name}': ${what}`, fix: `cannot be repaired automatically: ${recreate}` });
  }
  for (const unit of r.units) {
    const dropIn = sandboxDropInPath(paths.unitDir, unit, r.name);
    const body = [path.join(paths.unitDir, templateName(unit)), path.join(paths.unitDir, instanceName(unit, r.name))];
    const missing = [];
    if (!(await isOurs(dropIn))) missing.push(paths.unhost(dropIn));
    // Records made before profiles (profile='') have no link.
    const link = profileLinkPath(paths.unitDir, unit, r.name);
    // A link whose profile file is gone (removed by a package update) is as good as missing: systemd skips it.
    const resolves = await fs.stat(link).then(() => true, () => false);
    if (r.profile && ((await linkedProfile(link)) !== r.profile || !resolves)) missing.push(`${paths.unhost(link)} (a link to the '${r.profile}' profile)`);
    if (!(await isOurs(body[0]!)) && !(await isOurs(body[1]!))) missing.push(paths.unhost(body[0]!));
    if (!(await isOurs(path.join(paths.unitDir, targetName(unit))))) missing.push(path.posix.join(DEFAULT_UNIT_DIR, targetName(unit)));
    if (missing.length) out.push({ kind: 'record without units', severity: 'fail', detail: `sandbox '${r.name}': ${missing.join(', ')} missing`, fix: recreate });
  }
  if ((await lstatKind(manifestPath(paths, r.name))) === undefined) {
    out.push({ kind: 'record without manifest', severity: 'warn', detail: `sandbox '${r.name}' has no manifest of its tree as created`, fix: 'harmless; not repairable' });
  }
  const pair = parseLevel(r.label);
  const registry = new Registry(paths);
  const held = pair ? await registry.read(pairKey(pair)) : undefined;
  const entry = await registry.entryOf(r.name);
  // A corrupt by-name file is its own finding (label-entries.ts).
  if (entry && 'corrupt' in entry) return out;
  if (!held || held.sandbox !== r.name || held.state !== 'committed' || (await registry.labelOf(r.name)) !== pairKey(pair!)) {
    out.push({
      kind: 'record without label',
      severity: 'warn',
      detail: `sandbox '${r.name}': label ${r.label} is not committed to it in ${paths.unhost(registry.dir)}`,
      fix: 'harmless: its record still keeps the label from being handed out again',
    });
  }
  return out;
}

/** Unfinished creates and deletes: a running one is left alone, a dead one is for recovery. */
async function pendingOperations(paths: Paths, known: Known): Promise<Finding[]> {
  const out: Finding[] = [];
  const finish = `'sandbox doctor --repair' (or any command but doctor) finishes it`;
  for (const n of await fs.readdir(paths.stateDir).catch(() => [] as string[])) {
    const e = stateEntry(n);
    if (e.kind === 'upgrade') {
      known.pending.add(e.name);
      const j = await readJournal(paths, e.name);
      if (j && pidAlive(j.pid)) continue;
      out.push({ kind: 'interrupted upgrade', severity: 'warn', detail: `the upgrade of '${e.name}' was interrupted`, fix: `${finish} (takes back what it changed)` });
      continue;
    }
    if (e.kind !== 'intent') continue;
    const name = e.name;
    known.pending.add(name);
    const intent = await readIntent(path.join(paths.stateDir, n));
    if (intent && pidAlive(intent.pid)) continue;
    out.push({ kind: 'interrupted create', severity: 'warn', detail: `the create of '${name}' was interrupted`, fix: `${finish} (rolls it back or completes it)` });
  }
  for (const n of await fs.readdir(paths.configDir).catch(() => [] as string[])) {
    const name = deletingNameOf(n);
    if (name === undefined) continue;
    known.pending.add(name);
    out.push({ kind: 'interrupted delete', severity: 'warn', detail: `the delete of '${name}' was interrupted`, fix: finish });
  }
  return out;
}

async function readAll(paths: Paths): Promise<{ known: Known; findings: Finding[] }> {
  const known: Known = { records: new Map(), unreadable: new Set(), pending: new Set() };
  const findings: Finding[] = await pendingOperations(paths, known);
  const read = await readRecords(paths);
  for (const r of read.records) known.records.set(r.name, r);
  for (const { name, error } of read.problems) {
    known.unreadable.add(name);
    // The message names the file, the line and the fix.
    findings.push({ kind: 'unreadable record', severity: 'fail', detail: error.message, fix: 'not repairable automatically' });
  }
  return { known, findings };
}

/** Every inconsistency between records, trees, units and labels under paths. */
export async function findInconsistencies(paths: Paths): Promise<{ findings: Finding[]; sandboxes: number }> {
  const { known, findings } = await readAll(paths);
  for (const r of known.records.values()) findings.push(...(await checkRecord(paths, r)));
  findings.push(...(await corruptLabelEntries(paths, known)));
  findings.push(...(await leftovers(paths, known)));
  return { findings, sandboxes: known.records.size + known.unreadable.size };
}

/** Findings as doctor checks; `repaired` ones show as ok. */
export function consistencyChecks(findings: Finding[], sandboxes: number, repaired: Finding[] = []): Check[] {
  const out: Check[] = repaired.map((f) => ok(f.kind, `removed: ${f.detail}`, { repaired: true }));
  for (const f of findings) {
    // A RecordError's message already ends with its fix.
    const text = f.kind === 'unreadable record' ? f.detail : `${f.detail}; ${f.fix}`;
    out.push((f.severity === 'fail' ? fail : warn)(f.kind, text, { repairable: f.repair !== undefined }));
  }
  if (!findings.length) {
    out.push(ok('consistency', `${sandboxes} sandbox${sandboxes === 1 ? '' : 'es'}: each has its tree, units and label; nothing is left over`));
  }
  return out;
}
