// config/: the files an admin reads and edits: sandbox records and sandbox.conf.
// The record of one sandbox: <configDir>/NAME.sandbox, an ini file the admin can read.
// Every command finds sandboxes through these records.
import { promises as fs } from 'node:fs';
import ini from 'ini';
import { SandboxError, ExitCode } from '../errors.js';
import type { Paths } from '../paths.js';
import { deletingMarker, deletingNameOf, recordFileName, recordNameOf, recordPath, treeOf } from '../layout.js';
import { isValidInstanceName } from '../unitfile/index.js';
import { readIfExistsSync } from '../read-if-exists.js';
import { parsePublish } from '../publish/spec.js';
import { formatLimits, hasLimits, parseRecordedLimits, type Limits } from '../limits/spec.js';

export type NetworkMode = 'none' | 'host';

export interface SandboxRecord {
  name: string;
  units: string[];
  packages: string[];
  /** The version of each package when the sandbox was made or last upgraded (upgrade --check compares); absent in older records. */
  packageVersions?: Record<string, string>;
  /** create's --copy and --exclude, so an upgrade plans the same payload; absent or empty: none. */
  copy?: string[];
  exclude?: string[];
  /** MCS level, e.g. s0:c12,c345 */
  label: string;
  processContext: string;
  fileContext: string;
  /** Host path of the tree, e.g. /var/lib/sandbox/apache1 */
  tree: string;
  network: NetworkMode;
  /** The hardening profile linked into its units' drop-in directories; '' in records made before profiles. */
  profile?: string;
  /** 'host' when create --allow-dbus bound the host's system bus in; absent means 'none'. */
  dbus?: 'none' | 'host';
  /** Published ports, [ADDR:]HOSTPORT:PORT (src/publish/spec.ts); absent or empty: none. */
  publish?: string[];
  /** Resource limits (src/limits/spec.ts); absent: none. */
  limits?: Limits;
  security: 'dynamic' | 'static';
  created: string;
  version: string;
}

export class RecordError extends SandboxError {
  constructor(file: string, line: number | undefined, problem: string, fix: string) {
    super(`${file}${line ? `:${line}` : ''}: ${problem}; ${fix}`, ExitCode.failure);
  }
}

const REQUIRED: (keyof SandboxRecord)[] = ['name', 'units', 'label', 'processContext', 'fileContext', 'tree', 'network'];

const list = (v: unknown): string[] =>
  String(v ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);

export function serializeRecord(r: SandboxRecord): string {
  const body = ini.stringify(
    {
      sandbox: {
        name: r.name,
        units: r.units.join(' '),
        packages: r.packages.join(' '),
        label: r.label,
        processContext: r.processContext,
        fileContext: r.fileContext,
        tree: r.tree,
        network: r.network,
        profile: r.profile ?? '',
        dbus: r.dbus ?? 'none',
        // only when there is one: records without published ports read as before
        ...(r.publish?.length ? { publish: r.publish.join(' ') } : {}),
        ...(r.limits && hasLimits(r.limits) ? { limits: formatLimits(r.limits).join(' ') } : {}),
        security: r.security,
        created: r.created,
        version: r.version,
        // after the older keys: what upgrade needs
        ...(r.packageVersions && Object.keys(r.packageVersions).length ? { packageVersions: formatVersions(r.packageVersions) } : {}),
        ...(r.copy?.length ? { copy: r.copy.join(' ') } : {}),
        ...(r.exclude?.length ? { exclude: r.exclude.join(' ') } : {}),
      },
    },
    { whitespace: false },
  );
  return `# Sandbox record written by sandbox ${r.version}. 'sandbox delete ${r.name}' removes it.\n${body}`;
}

/** PACKAGE=VERSION words, in the packages' order. */
function formatVersions(v: Record<string, string>): string {
  return Object.entries(v).map(([p, ver]) => `${p}=${ver}`).join(' ');
}

function parseVersions(words: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of words) {
    const m = /^([^=\s]+)=([^=\s]+)$/.exec(w);
    if (!m) throw new Error(w);
    out[m[1]!] = m[2]!;
  }
  return out;
}

/** Parse a record; every problem names the file, the line and the fix. */
export function parseRecord(file: string, text: string): SandboxRecord {
  const lines = text.split('\n');
  const lineOf = (key: string) => {
    const i = lines.findIndex((l) => l.trim().startsWith(key + '='));
    return i >= 0 ? i + 1 : undefined;
  };
  const fix = `edit it back to what 'sandbox create' wrote, or remove the file and run 'sandbox doctor --repair' to clean up what it leaves`;
  // ini keeps the last of two equal keys: a second one is an error on its own line, not a surprise.
  const seen = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === '' || l.startsWith('#') || l.startsWith(';') || /^\[[^\]]+\]$/.test(l)) continue;
    const key = /^([A-Za-z]+)=/.exec(l)?.[1];
    if (key === undefined) throw new RecordError(file, i + 1, `cannot parse '${l}'`, fix);
    if (seen.has(key)) throw new RecordError(file, i + 1, `${key}= is given twice (also on line ${seen.get(key)})`, fix);
    seen.set(key, i + 1);
  }
  const data = ini.parse(text) as { sandbox?: Record<string, unknown> };
  const s = data.sandbox;
  if (!s) throw new RecordError(file, undefined, 'no [sandbox] section', fix);
  for (const k of REQUIRED) {
    if (s[k] === undefined || s[k] === '') throw new RecordError(file, lineOf(k), `missing ${k}=`, fix);
  }
  const network = String(s.network);
  if (network !== 'none' && network !== 'host') {
    throw new RecordError(file, lineOf('network'), `network=${network} is not 'none' or 'host'`, fix);
  }
  const label = String(s.label);
  if (!/^s0(-s0)?:c\d{1,4},c\d{1,4}$/.test(label)) {
    throw new RecordError(file, lineOf('label'), `label=${label} is not an MCS level like s0:c1,c2`, fix);
  }
  // Delete removes what name= and tree= say: they must be this file's sandbox and its place.
  const name = String(s.name);
  const fileName = recordFileName(file);
  if (!isValidInstanceName(name) || (fileName !== undefined && name !== fileName)) {
    throw new RecordError(file, lineOf('name'), `name=${name} is not the name in the file name (${fileName})`, fix);
  }
  const tree = String(s.tree);
  if (tree !== treeOf(name)) {
    throw new RecordError(file, lineOf('tree'), `tree=${tree} is not ${treeOf(name)}`, fix);
  }
  for (const u of list(s.units)) {
    if (!/^[A-Za-z0-9:_\\-][A-Za-z0-9:_.\\-]*(@[A-Za-z0-9:_.\\-]+)?\.service$/.test(u)) throw new RecordError(file, lineOf('units'), `units= names '${u}', which is not a service`, fix);
  }
  const profile = String(s.profile ?? '');
  if (profile !== '' && !/^[a-z][a-z0-9-]*$/.test(profile)) throw new RecordError(file, lineOf('profile'), `profile=${profile} is not a profile name`, fix);
  const dbus = String(s.dbus || 'none');
  if (dbus !== 'none' && dbus !== 'host') throw new RecordError(file, lineOf('dbus'), `dbus=${dbus} is not 'none' or 'host'`, fix);
  const publish = list(s.publish);
  for (const p of publish) {
    try {
      parsePublish(p);
    } catch {
      throw new RecordError(file, lineOf('publish'), `publish= names '${p}', which is not [ADDRESS:]HOSTPORT:PORT`, fix);
    }
  }
  let limits: Limits;
  try {
    limits = parseRecordedLimits(list(s.limits));
  } catch {
    throw new RecordError(file, lineOf('limits'), `limits=${String(s.limits)} is not a list like memory=536870912 cpu=50 tasks=64 io-weight=100`, fix);
  }
  let packageVersions: Record<string, string> | undefined;
  try {
    packageVersions = s.packageVersions === undefined ? undefined : parseVersions(list(s.packageVersions));
  } catch {
    throw new RecordError(file, lineOf('packageVersions'), `packageVersions=${String(s.packageVersions)} is not a list like sbxdemo=1.0-1`, fix);
  }
  const security = String(s.security ?? 'dynamic');
  return {
    name,
    units: list(s.units),
    packages: list(s.packages),
    ...(packageVersions ? { packageVersions } : {}),
    copy: list(s.copy),
    exclude: list(s.exclude),
    label,
    processContext: String(s.processContext),
    fileContext: String(s.fileContext),
    tree,
    network,
    profile,
    dbus,
    publish,
    limits,
    security: security === 'static' ? 'static' : 'dynamic',
    created: String(s.created ?? ''),
    version: String(s.version ?? ''),
  };
}

/** Names of every recorded sandbox (or, with 'deleting', of every interrupted delete), sorted. */
export async function listRecordNames(paths: Paths, which: 'records' | 'deleting' = 'records'): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(paths.configDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .map(which === 'records' ? recordNameOf : deletingNameOf)
    .filter((n): n is string => n !== undefined)
    .sort();
}

export interface RecordProblem {
  name: string;
  /** Names the file, the line and the fix. */
  error: RecordError;
}

/** What reading records found: the good ones, and one problem for each bad one. */
export interface RecordsRead {
  records: SandboxRecord[];
  problems: RecordProblem[];
}

/**
 * The one reader of records: every record file (or every delete marker, or
 * only `names`), tolerant: a bad record is a problem, not a stop. A missing
 * file is skipped; an error other than a bad record (EACCES) is thrown.
 */
export async function readRecords(paths: Paths, opts: { which?: 'records' | 'deleting'; names?: string[] } = {}): Promise<RecordsRead> {
  const which = opts.which ?? 'records';
  const out: RecordsRead = { records: [], problems: [] };
  // Read synchronously: with 1,000 sandboxes, awaiting one readFile after the other took 0.3 s.
  for (const name of opts.names ?? (await listRecordNames(paths, which))) {
    const file = which === 'records' ? recordPath(paths, name) : deletingMarker(paths, name);
    const text = readIfExistsSync(file);
    if (text === undefined) continue;
    try {
      out.records.push(parseRecord(file, text));
    } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      out.problems.push({ name, error: e });
    }
  }
  return out;
}

/** For callers that must not go on past a bad record: its error, or the records. */
export function strict(read: RecordsRead): SandboxRecord[] {
  if (read.problems.length) throw read.problems[0]!.error;
  return read.records;
}

/** Every record; the first bad one is an error. */
export async function listRecords(paths: Paths): Promise<SandboxRecord[]> {
  return strict(await readRecords(paths));
}

/** One record, or undefined when it does not exist; a bad one is an error. */
export async function readRecord(paths: Paths, name: string): Promise<SandboxRecord | undefined> {
  return strict(await readRecords(paths, { names: [name] }))[0];
}
