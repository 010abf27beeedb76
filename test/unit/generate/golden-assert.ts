// The `## assert-…` header lines of a golden case, checked against what the
// generator made for it. Returns one message per failed line (file:line), so
// a case says every way it fails at once; an unknown assertion is a failure.
import path from 'node:path';
import type { GeneratedFile } from '../../../src/generate/units.js';
import { PROJECT_ROOT } from '../../../src/install-paths.js';
import { parseUnitFile, type UnitFile } from '../../../src/unitfile/index.js';
import { effective, type GoldenCase } from './golden-cases.js';

interface Target {
  path: string;
  text: string;
  unit: UnitFile;
  linkTo?: string;
}

function targets(files: GeneratedFile[]): Map<string, Target> {
  const out = new Map<string, Target>();
  for (const f of files) out.set(f.role, { path: f.path, text: f.content, unit: parseUnitFile(f.content, f.path), linkTo: f.linkTo });
  const e = effective(files);
  out.set('effective', { path: 'effective', text: e.text, unit: e.unit });
  return out;
}

/** The words of the one CapabilityBoundingSet=~ line. */
function deniedCaps(t: Target): string[] | string {
  const lines = t.unit.getAll('Service', 'CapabilityBoundingSet');
  if (lines.length !== 1 || !lines[0]!.startsWith('~')) return `not one ~ line: ${JSON.stringify(lines)}`;
  return lines[0]!.slice(1).split(/\s+/);
}

/** undefined when the assertion holds, else what was found. */
function check(kind: string, t: Target, args: string[]): string | undefined {
  const [section, key] = args;
  const values = () => t.unit.getAll(section!, key!);
  const same = (got: unknown, want: unknown) => (JSON.stringify(got) === JSON.stringify(want) ? undefined : `got ${JSON.stringify(got)}`);
  switch (kind) {
    case 'assert-path':
      return same(t.path, args[0]);
    case 'assert-link':
      return same(t.linkTo, path.join(PROJECT_ROOT, args[0]!));
    case 'assert-starts-with':
      return t.text.startsWith(args[0]!) ? undefined : `starts ${JSON.stringify(t.text.slice(0, 40))}`;
    case 'assert-no-match': {
      const hit = t.text.split('\n').find((l) => new RegExp(args[0]!).test(l));
      return hit === undefined ? undefined : `line ${JSON.stringify(hit)}`;
    }
    case 'assert-key-is':
      return same(t.unit.get(section!, key!), args[2]);
    case 'assert-key-missing':
      return same(t.unit.get(section!, key!), undefined);
    case 'assert-key-count':
      return same(values().length, Number(args[2]));
    case 'assert-key-has':
      return values().includes(args[2]!) ? undefined : `got ${JSON.stringify(values())}`;
    case 'assert-key-first':
      return same(values()[0], args[2]);
    case 'assert-key-all':
      return same(values(), args.slice(2));
    case 'assert-section':
      return same(t.unit.entries(section!).map((e) => `${e.key}=${e.value}`), args.slice(1));
    case 'assert-caps-denied':
    case 'assert-caps-kept': {
      const denied = deniedCaps(t);
      if (typeof denied === 'string') return denied;
      const wrong = args.filter((c) => denied.includes(c) !== (kind === 'assert-caps-denied'));
      return wrong.length ? `${kind === 'assert-caps-denied' ? 'not denied' : 'denied'}: ${wrong.join(' ')}` : undefined;
    }
    default:
      return 'unknown assertion';
  }
}

export function failedAssertions(c: GoldenCase, files: GeneratedFile[]): string[] {
  const byName = targets(files);
  const out: string[] = [];
  for (const a of c.assertions) {
    const [kind, file, ...args] = a.words;
    const t = byName.get(file!);
    const problem = t === undefined ? `no generated file '${file}'` : check(kind!, t, args);
    if (problem !== undefined) out.push(`${c.file}:${a.line}: ${a.words.join(' ')}: ${problem}`);
  }
  return out;
}
