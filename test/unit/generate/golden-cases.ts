// The golden cases: real services' units run through the generator. Each is a
// file in test/fixtures/golden-cases/ whose lines give its parameters and whose
// `## assert-…` header lines say what its units must contain (the way Quadlet's
// test/e2e/quadlet fixtures do); used by golden.test.ts (compares and asserts)
// and test/update-golden.ts (the only writer of golden files).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxUnitFiles, type GeneratedFile, type ServiceFacts } from '../../../src/generate/units.js';
import type { ProfileName } from '../../../src/generate/profiles.js';
import { PROJECT_ROOT } from '../../../src/install-paths.js';
import { parseUnitFile, type UnitFile } from '../../../src/unitfile/index.js';

export const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures');
export const goldenDir = path.join(fixtures, 'golden');
export const CONTEXT = 'system_u:system_r:svirt_lxc_net_t:s0:c1,c2';

export const casesDir = path.join(fixtures, 'golden-cases');

export interface GoldenCase {
  name: string;
  /** Where the case is: NAME.case, for messages. */
  file: string;
  source: string;
  facts: Omit<ServiceFacts, 'unitDir' | 'stateDir' | 'version'>;
  bound: string[];
  network: 'none' | 'host';
  /** Default: the default profile. */
  profile?: ProfileName;
  allowDbus?: boolean;
  /** The case file's `## assert-…` lines, as words (see apache2.case). */
  assertions: { line: number; words: string[] }[];
}

/** Words of a line; "a b" is one word. */
export function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/** A case file: parameter lines `key value…`, assertion lines `## assert-… …`, other `##` lines are comments. */
export function parseCase(name: string, text: string): GoldenCase {
  const params = new Map<string, string[]>();
  const assertions: GoldenCase['assertions'] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('## assert-')) assertions.push({ line: i + 1, words: words(line.slice(3)) });
    else if (line !== '' && !line.startsWith('#')) {
      const [key, ...rest] = words(line);
      params.set(key!, rest);
    }
  });
  const one = (key: string): string => {
    const v = params.get(key);
    if (v?.length !== 1) throw new Error(`${name}.case: ${key} needs one value`);
    return v[0]!;
  };
  const rd = params.get('runtime-dir');
  return {
    name,
    file: `${name}.case`,
    source: one('source'),
    facts: {
      unit: one('unit'),
      source: one('unit-source'),
      vendorTemplate: one('vendor-template') === 'yes',
      ...(rd ? { runtimeDirs: [{ path: rd[0]!, mode: parseInt(rd[1]!, 8), uid: Number(rd[2]), gid: Number(rd[3]) }] } : {}),
      ...(params.has('landlock-helper') ? { landlockHelper: one('landlock-helper') } : {}),
    },
    bound: params.get('bound') ?? [],
    network: one('network') === 'host' ? 'host' : 'none',
    ...(params.has('profile') ? { profile: one('profile') as ProfileName } : {}),
    ...(params.has('allow-dbus') ? { allowDbus: one('allow-dbus') === 'yes' } : {}),
    assertions,
  };
}

export const cases: GoldenCase[] = readdirSync(casesDir)
  .filter((n) => n.endsWith('.case'))
  .sort()
  .map((n) => parseCase(n.slice(0, -'.case'.length), readFileSync(path.join(casesDir, n), 'utf8')));

export function generate(c: GoldenCase): GeneratedFile[] {
  const original = parseUnitFile(readFileSync(path.join(fixtures, c.source), 'utf8'), c.source);
  return sandboxUnitFiles(
    original,
    { ...c.facts, unitDir: '/etc/systemd/system', stateDir: '/var/lib/sandbox', version: '0.0.0-test' },
    { name: 'box1', processContext: CONTEXT, network: c.network, boundPaths: c.bound, tree: '/var/lib/sandbox/box1', profile: c.profile, allowDbus: c.allowDbus },
  );
}

/** What the link points at, relative to the checkout (the absolute path depends on where it is). */
export const linkText = (f: GeneratedFile) => `-> ${path.relative(PROJECT_ROOT, f.linkTo!)}\n`;

/**
 * The unit as systemd reads it (like `systemctl cat`): the body, then the drop-ins
 * in name order, the profile link read through. Later lines win for single values.
 */
export function effective(files: GeneratedFile[]): { text: string; unit: UnitFile } {
  const service = files.find((f) => f.role === 'service')!;
  const dropins = files.filter((f) => f.role === 'dropin' || f.role === 'profile').sort((a, b) => path.basename(a.path).localeCompare(path.basename(b.path)));
  const parts = [service, ...dropins].map((f) => {
    const body = f.linkTo !== undefined ? readFileSync(f.linkTo, 'utf8') : f.content;
    return `# ${f.path}${f.linkTo !== undefined ? ` ${linkText(f).trimEnd()}` : ''}\n${body}`;
  });
  const text = parts.join('\n');
  // One section per name, each file's lines appended in order, as systemd merges them.
  const unit = parseUnitFile('', 'effective');
  for (const part of parts) {
    const u = parseUnitFile(part, 'part');
    for (const section of u.sections()) {
      if (!unit.sections().includes(section)) unit.addSection(section);
      for (const e of u.entries(section)) unit.add(section, e.key, e.value);
    }
  }
  return { text, unit };
}

/** Every file the cases generate (a link as the text of its target), and each case's effective unit, by golden file name. */
export function generatedSet(): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of cases) {
    const files = generate(c);
    for (const f of files) out.set(`${c.name}--${path.basename(f.path)}`, f.linkTo !== undefined ? linkText(f) : f.content);
    out.set(`${c.name}--effective.conf`, effective(files).text);
  }
  return out;
}
