// The golden cases: real services' units run through the generator. One list,
// used by golden.test.ts (compares) and test/update-golden.ts (the only writer).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxUnitFiles, type GeneratedFile, type ServiceFacts } from '../../../src/generate/units.js';
import { parseUnitFile } from '../../../src/unitfile/index.js';

export const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures');
export const goldenDir = path.join(fixtures, 'golden');
export const CONTEXT = 'system_u:system_r:svirt_lxc_net_t:s0:c1,c2';

export interface GoldenCase {
  name: string;
  source: string;
  facts: Omit<ServiceFacts, 'unitDir' | 'stateDir' | 'version'>;
  bound: string[];
  network: 'none' | 'host';
}

export const cases: GoldenCase[] = [
  {
    name: 'apache2',
    source: 'unitfile/apache2.service',
    facts: { unit: 'apache2.service', source: '/lib/systemd/system/apache2.service', vendorTemplate: true },
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
    facts: { unit: 'trans.service', source: '/usr/lib/systemd/system/trans.service', vendorTemplate: false, runtimeDirs: [{ path: '/run/trans', mode: 0o750, uid: 0, gid: 99 }] },
    bound: ['/etc/trans', '/var/lib/trans'],
    network: 'none',
  },
];

export function generate(c: GoldenCase): GeneratedFile[] {
  const original = parseUnitFile(readFileSync(path.join(fixtures, c.source), 'utf8'), c.source);
  return sandboxUnitFiles(
    original,
    { ...c.facts, unitDir: '/etc/systemd/system', stateDir: '/var/lib/sandbox', version: '0.0.0-test' },
    { name: 'box1', processContext: CONTEXT, network: c.network, boundPaths: c.bound, tree: '/var/lib/sandbox/box1' },
  );
}

/** Golden file name of a generated file: CASE--BASENAME. */
export const goldenName = (c: GoldenCase, f: GeneratedFile) => `${c.name}--${path.basename(f.path)}`;

/** Every file the cases generate, by golden file name. */
export function generatedSet(): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of cases) for (const f of generate(c)) out.set(goldenName(c, f), f.content);
  return out;
}
