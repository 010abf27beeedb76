// The record of one sandbox: <configDir>/NAME.sandbox, an ini file the admin can read.
// Every command finds sandboxes through these records.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import ini from 'ini';
import { SandboxError, ExitCode } from '../errors.js';
import { DEFAULT_STATE_DIR, type Paths } from '../paths.js';
import { isValidInstanceName } from '../unitfile/index.js';
import { readIfExists, readIfExistsSync } from '../read-if-exists.js';

export const RECORD_SUFFIX = '.sandbox';

export type NetworkMode = 'none' | 'host';

export interface SandboxRecord {
  name: string;
  units: string[];
  packages: string[];
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
  security: 'dynamic' | 'static';
  created: string;
  version: string;
}

export class RecordError extends SandboxError {
  constructor(file: string, line: number | undefined, problem: string, fix: string) {
    super(`${file}${line ? `:${line}` : ''}: ${problem}; ${fix}`, ExitCode.failure);
  }
}

export function recordPath(paths: Paths, name: string): string {
  return path.join(paths.configDir, name + RECORD_SUFFIX);
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
        security: r.security,
        created: r.created,
        version: r.version,
      },
    },
    { whitespace: false },
  );
  return `# Sandbox record written by sandbox ${r.version}. 'sandbox delete ${r.name}' removes it.\n${body}`;
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
  const fileName = /^(?:\.deleting-)?(.+)\.sandbox$/.exec(path.basename(file))?.[1];
  if (!isValidInstanceName(name) || (fileName !== undefined && name !== fileName)) {
    throw new RecordError(file, lineOf('name'), `name=${name} is not the name in the file name (${fileName})`, fix);
  }
  const tree = String(s.tree);
  if (tree !== path.posix.join(DEFAULT_STATE_DIR, name)) {
    throw new RecordError(file, lineOf('tree'), `tree=${tree} is not ${path.posix.join(DEFAULT_STATE_DIR, name)}`, fix);
  }
  for (const u of list(s.units)) {
    if (!/^[A-Za-z0-9:_\\-][A-Za-z0-9:_.\\-]*(@[A-Za-z0-9:_.\\-]+)?\.service$/.test(u)) throw new RecordError(file, lineOf('units'), `units= names '${u}', which is not a service`, fix);
  }
  const profile = String(s.profile ?? '');
  if (profile !== '' && !/^[a-z][a-z0-9-]*$/.test(profile)) throw new RecordError(file, lineOf('profile'), `profile=${profile} is not a profile name`, fix);
  const dbus = String(s.dbus || 'none');
  if (dbus !== 'none' && dbus !== 'host') throw new RecordError(file, lineOf('dbus'), `dbus=${dbus} is not 'none' or 'host'`, fix);
  const security = String(s.security ?? 'dynamic');
  return {
    name,
    units: list(s.units),
    packages: list(s.packages),
    label,
    processContext: String(s.processContext),
    fileContext: String(s.fileContext),
    tree,
    network,
    profile,
    dbus,
    security: security === 'static' ? 'static' : 'dynamic',
    created: String(s.created ?? ''),
    version: String(s.version ?? ''),
  };
}

export async function readRecord(paths: Paths, name: string): Promise<SandboxRecord | undefined> {
  const file = recordPath(paths, name);
  const text = await readIfExists(file);
  return text === undefined ? undefined : parseRecord(file, text);
}

/** Names of every recorded sandbox, sorted. */
export async function listRecordNames(paths: Paths): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(paths.configDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .filter((n) => n.endsWith(RECORD_SUFFIX) && !n.startsWith('.'))
    .map((n) => n.slice(0, -RECORD_SUFFIX.length))
    .sort();
}

export async function listRecords(paths: Paths): Promise<SandboxRecord[]> {
  // Read synchronously: with 1,000 sandboxes, awaiting one readFile after the other took 0.3 s.
  const out: SandboxRecord[] = [];
  for (const n of await listRecordNames(paths)) {
    const file = recordPath(paths, n);
    const text = readIfExistsSync(file);
    if (text !== undefined) out.push(parseRecord(file, text));
  }
  return out;
}
