// The golden cases: real services' units run through the generator. One list,
// used by golden.test.ts (compares) and test/update-golden.ts (the only writer).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxUnitFiles, type GeneratedFile, type ServiceFacts } from '../../../src/generate/units.js';
import type { ProfileName } from '../../../src/generate/profiles.js';
import { PROJECT_ROOT } from '../../../src/install-paths.js';
import { LANDLOCK_HELPER } from '../../../src/landlock/helper.js';
import { parseUnitFile, type UnitFile } from '../../../src/unitfile/index.js';

export const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures');
export const goldenDir = path.join(fixtures, 'golden');
export const CONTEXT = 'system_u:system_r:svirt_lxc_net_t:s0:c1,c2';

export interface GoldenCase {
  name: string;
  source: string;
  facts: Omit<ServiceFacts, 'unitDir' | 'stateDir' | 'version'>;
  bound: string[];
  network: 'none' | 'host';
  /** Default: the default profile. */
  profile?: ProfileName;
  allowDbus?: boolean;
}

export const cases: GoldenCase[] = [
  {
    name: 'apache2',
    source: 'unitfile/apache2.service',
    facts: { unit: 'apache2.service', source: '/lib/systemd/system/apache2.service', vendorTemplate: true, landlockHelper: LANDLOCK_HELPER },
    bound: ['/etc/apache2', '/etc/logrotate.d/apache2', '/var/cache/apache2', '/var/lib/apache2', '/var/log/apache2', '/var/www'],
    network: 'none',
  },
  {
    name: 'sbxdemo',
    source: 'rpm/sbxdemo/sbxdemo.service',
    facts: { unit: 'sbxdemo.service', source: '/usr/lib/systemd/system/sbxdemo.service', vendorTemplate: false },
    bound: ['/etc/logrotate.d/sbxdemo', '/etc/sbxdemo', '/var/lib/sbxdemo', '/var/log/sbxdemo'],
    network: 'host',
  },
  {
    name: 'translations',
    source: 'unitfile/translations.service',
    facts: { unit: 'trans.service', source: '/usr/lib/systemd/system/trans.service', vendorTemplate: false, runtimeDirs: [{ path: '/run/trans', mode: 0o750, uid: 0, gid: 99 }], landlockHelper: LANDLOCK_HELPER },
    bound: ['/etc/trans', '/var/lib/trans'],
    network: 'none',
  },
  {
    name: 'apache2-strict',
    source: 'unitfile/apache2.service',
    facts: { unit: 'apache2.service', source: '/lib/systemd/system/apache2.service', vendorTemplate: true },
    bound: ['/etc/apache2', '/var/www'],
    network: 'none',
    profile: 'strict',
  },
  {
    name: 'sbxdemo-trusted-dbus',
    source: 'rpm/sbxdemo/sbxdemo.service',
    facts: { unit: 'sbxdemo.service', source: '/usr/lib/systemd/system/sbxdemo.service', vendorTemplate: false },
    bound: ['/etc/sbxdemo'],
    network: 'host',
    profile: 'trusted',
    allowDbus: true,
  },
];

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
