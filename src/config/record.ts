// The record of one sandbox: <configDir>/NAME.sandbox, an ini file the admin can read.
// Every command finds sandboxes through these records.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import ini from 'ini';
import { SandboxError, ExitCode } from '../errors.js';
import type { Paths } from '../paths.js';

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
  const fix = `fix the line or run 'sandbox doctor --repair'`;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === '' || l.startsWith('#') || l.startsWith(';') || /^\[[^\]]+\]$/.test(l) || /^[A-Za-z]+=/.test(l)) continue;
    throw new RecordError(file, i + 1, `cannot parse '${l}'`, fix);
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
  const security = String(s.security ?? 'dynamic');
  return {
    name: String(s.name),
    units: list(s.units),
    packages: list(s.packages),
    label,
    processContext: String(s.processContext),
    fileContext: String(s.fileContext),
    tree: String(s.tree),
    network,
    security: security === 'static' ? 'static' : 'dynamic',
    created: String(s.created ?? ''),
    version: String(s.version ?? ''),
  };
}

export async function readRecord(paths: Paths, name: string): Promise<SandboxRecord | undefined> {
  const file = recordPath(paths, name);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return parseRecord(file, text);
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
  const out: SandboxRecord[] = [];
  for (const n of await listRecordNames(paths)) {
    const r = await readRecord(paths, n);
    if (r) out.push(r);
  }
  return out;
}
