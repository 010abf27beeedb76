// The I/O half of planning a clone: the source's record and the unit files
// the tool wrote for it, read and checked to be ours. plan.ts makes the
// clone's files from these without touching anything.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import type { SandboxRecord } from '../config/record.js';
import type { Paths } from '../paths.js';
import { baseDir, dropInDir, instanceName, isGenerated, isOurDropInName, PUBLISH_DROPIN, sandboxDropInPath, templateName } from '../layout.js';
import { requireRecord } from '../lifecycle/sandboxes.js';
import { readIfExists } from '../read-if-exists.js';

export interface SourceUnit {
  /** The service, e.g. apache2.service */
  unit: string;
  /** The source's 50-sandbox.conf: its bind mounts are the clone's. */
  dropIn: string;
  /** The source's own copy of the service body (PREFIX@SRC.service), made when the vendor ships PREFIX@.service; else the shared template serves both. */
  instanceBody?: string;
}

export interface CloneFacts {
  source: SandboxRecord;
  units: SourceUnit[];
  /** Files in the source's drop-in directories that are not copied: the admin's own, the published ports'. */
  notCopied: string[];
  /** The source has a base (its package files as it was created from them): the clone's merge ancestor too. */
  hasBase: boolean;
}

const broken = (name: string, what: string) => new SandboxError(`sandbox '${name}': ${what}; 'sandbox doctor' says what is wrong, refusing to clone it`);

async function sourceUnit(paths: Paths, r: SandboxRecord, unit: string): Promise<SourceUnit> {
  const dropInFile = sandboxDropInPath(paths.unitDir, unit, r.name);
  const dropIn = await readIfExists(dropInFile);
  if (dropIn === undefined || !isGenerated(dropIn)) throw broken(r.name, `${dropInFile} is missing or was not written by sandbox`);
  const instanceBody = await readIfExists(path.join(paths.unitDir, instanceName(unit, r.name)));
  if (instanceBody !== undefined) {
    if (!isGenerated(instanceBody)) throw broken(r.name, `${instanceName(unit, r.name)} was not written by sandbox`);
    return { unit, dropIn, instanceBody };
  }
  const template = await readIfExists(path.join(paths.unitDir, templateName(unit)));
  if (template === undefined || !isGenerated(template)) throw broken(r.name, `${path.join(paths.unitDir, templateName(unit))} is missing or was not written by sandbox`);
  return { unit, dropIn };
}

export async function gatherCloneFacts(paths: Paths, sourceName: string): Promise<CloneFacts> {
  const source = await requireRecord(paths, sourceName);
  const tree = await fs.lstat(paths.host(source.tree)).catch(() => undefined);
  if (!tree?.isDirectory()) throw broken(source.name, `its tree ${paths.host(source.tree)} is missing`);
  const units: SourceUnit[] = [];
  const notCopied: string[] = [];
  for (const u of source.units) {
    units.push(await sourceUnit(paths, source, u));
    const dir = dropInDir(paths.unitDir, u, source.name);
    for (const f of (await fs.readdir(dir).catch(() => [] as string[])).sort()) {
      if (!isOurDropInName(f) || f === PUBLISH_DROPIN) notCopied.push(path.join(dir, f));
    }
  }
  const hasBase = await fs.lstat(baseDir(paths, source.name)).then((st) => st.isDirectory(), () => false);
  return { source, units, notCopied, hasBase };
}
