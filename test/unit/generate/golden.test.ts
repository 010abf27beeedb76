// The generated units for real services, compared byte for byte with golden
// files in test/fixtures/golden/ (UPDATE_GOLDEN=1 rewrites them: read the diff).
// Each generated unit is also parsed back and its key promises asserted.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sandboxUnitFiles, type GeneratedFile, type ServiceFacts } from '../../../src/generate/units.js';
import { PROFILE_DROPIN, type ProfileName } from '../../../src/generate/profiles.js';
import { PROJECT_ROOT } from '../../../src/install-paths.js';
import { parseUnitFile, type UnitFile } from '../../../src/unitfile/index.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures');
const golden = path.join(fixtures, 'golden');
const CONTEXT = 'system_u:system_r:svirt_lxc_net_t:s0:c1,c2';

interface Case {
  name: string;
  source: string;
  facts: Omit<ServiceFacts, 'unitDir' | 'stateDir' | 'version'>;
  bound: string[];
  network: 'none' | 'host';
  /** Default: the default profile. */
  profile?: ProfileName;
  allowDbus?: boolean;
}

const cases: Case[] = [
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

/** What the link points at, relative to the checkout (the absolute path depends on where it is). */
const linkText = (f: GeneratedFile) => `-> ${path.relative(PROJECT_ROOT, f.linkTo!)}\n`;

/**
 * The unit as systemd reads it (like `systemctl cat`): the body, then the drop-ins
 * in name order, the profile link read through. Later lines win for single values.
 */
function effective(files: GeneratedFile[]): { text: string; unit: UnitFile } {
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

const golden1 = (name: string, text: string) => {
  const g = path.join(golden, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(g)) writeFileSync(g, text);
  assert.fixture(text, readFileSync(g, 'utf8'));
};

for (const c of cases) {
  test(`${c.name}: generated files equal the golden files`, () => {
    const original = parseUnitFile(readFileSync(path.join(fixtures, c.source), 'utf8'), c.source);
    const files = sandboxUnitFiles(
      original,
      { ...c.facts, unitDir: '/etc/systemd/system', stateDir: '/var/lib/sandbox', version: '0.0.0-test' },
      { name: 'box1', processContext: CONTEXT, network: c.network, boundPaths: c.bound, tree: '/var/lib/sandbox/box1', profile: c.profile, allowDbus: c.allowDbus },
    );
    assert.equal(files.map((f) => f.role), ['service', 'dropin', 'target', 'profile']);
    for (const f of files) golden1(`${c.name}--${path.basename(f.path)}`, f.linkTo !== undefined ? linkText(f) : f.content);
    golden1(`${c.name}--effective.conf`, effective(files).text);
    const [service, dropin, target] = files.map((f) => parseUnitFile(f.content, f.path));
    assert.ok(files[0]!.content.startsWith('# Generated by sandbox 0.0.0-test'));
    assert.is(files[0]!.path, c.facts.vendorTemplate ? `/etc/systemd/system/${c.facts.unit.replace('.service', '')}@box1.service` : `/etc/systemd/system/${c.facts.unit.replace('.service', '')}@.service`);
    assert.is(service!.get('Unit', 'ReloadPropagatedFrom'), c.facts.unit);
    assert.is(service!.get('Service', 'PrivateTmp'), 'yes');
    assert.is(service!.get('Service', 'ProtectSystem'), 'strict');
    assert.ok(service!.getAll('Service', 'BindReadOnlyPaths').includes('/usr'));
    assert.equal(service!.entries('Install').map((e) => `${e.key}=${e.value}`), [`WantedBy=${c.facts.unit.replace('.service', '')}-sandboxes.target`]);
    assert.is(dropin!.get('Service', 'SELinuxContext'), CONTEXT);
    assert.is(dropin!.get('Service', 'PrivateNetwork'), c.network === 'none' ? 'yes' : 'no');
    assert.is(dropin!.getAll('Service', 'BindPaths').length, c.bound.length + (c.allowDbus ? 1 : 0));
    assert.is(target!.get('Install', 'WantedBy'), 'multi-user.target');
    const link = files[3]!;
    assert.is(link.path, `/etc/systemd/system/${c.facts.unit.replace('.service', '')}@box1.service.d/${PROFILE_DROPIN}`);
    assert.is(link.content, '');
    assert.is(link.linkTo, path.join(PROJECT_ROOT, 'units/profiles', `${c.profile ?? 'default'}.conf`));
  });
}

// The settings the profiles promise (issue 13), read from the unit as systemd
// would assemble it: body, then 40-profile.conf, then 50-sandbox.conf.
const eff = (name: string) => {
  const c = cases.find((x) => x.name === name)!;
  const original = parseUnitFile(readFileSync(path.join(fixtures, c.source), 'utf8'), c.source);
  const files = sandboxUnitFiles(
    original,
    { ...c.facts, unitDir: '/etc/systemd/system', stateDir: '/var/lib/sandbox', version: '0.0.0-test' },
    { name: 'box1', processContext: CONTEXT, network: c.network, boundPaths: c.bound, tree: '/var/lib/sandbox/box1', profile: c.profile, allowDbus: c.allowDbus },
  );
  return effective(files).unit;
};
const DENIED = ['SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_BOOT', 'SYS_TIME', 'MKNOD', 'NET_ADMIN', 'MAC_ADMIN', 'MAC_OVERRIDE', 'AUDIT_CONTROL', 'AUDIT_READ', 'AUDIT_WRITE', 'BPF', 'PERFMON', 'SYSLOG'];

test('default profile: the settings of issue 13, capabilities as a ~ line, no host D-Bus', () => {
  const u = eff('apache2');
  const caps = u.getAll('Service', 'CapabilityBoundingSet');
  assert.is(caps.length, 1);
  assert.ok(caps[0]!.startsWith('~'), caps[0]);
  const denied = caps[0]!.slice(1).split(/\s+/);
  for (const c of DENIED) assert.ok(denied.includes(`CAP_${c}`), c);
  for (const [k, v] of Object.entries({
    NoNewPrivileges: 'yes', SystemCallArchitectures: 'native', ProtectKernelTunables: 'yes', ProtectKernelModules: 'yes', ProtectKernelLogs: 'yes',
    ProtectControlGroups: 'yes', ProtectClock: 'yes', ProtectHostname: 'yes', ProtectHome: 'yes', ProtectProc: 'invisible', PrivateDevices: 'yes',
    PrivateIPC: 'yes', RestrictNamespaces: 'yes', RestrictSUIDSGID: 'yes', LockPersonality: 'yes', RestrictRealtime: 'yes', KillMode: 'control-group',
    PrivateTmp: 'yes', PrivateNetwork: 'yes', IPAddressDeny: 'any', IPAddressAllow: 'localhost',
  })) assert.is(u.get('Service', k), v, k);
  assert.equal(u.getAll('Service', 'SystemCallFilter'), ['@system-service', '~@resources']);
  assert.is(u.get('Service', 'MemoryDenyWriteExecute'), undefined);
  const binds = u.getAll('Service', 'BindPaths').join(' ');
  assert.not.match(binds, /\/run\/dbus/);
});

test('strict profile: a ~ line that leaves only a daemon\'s capabilities, W^X memory, fewer address families', () => {
  const u = eff('apache2-strict');
  const denied = u.getAll('Service', 'CapabilityBoundingSet')[0]!.slice(1).split(/\s+/);
  for (const c of [...DENIED, 'DAC_READ_SEARCH', 'NET_RAW', 'SYS_CHROOT', 'SYS_NICE']) assert.ok(denied.includes(`CAP_${c}`), c);
  for (const c of ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETUID']) assert.not.ok(denied.includes(`CAP_${c}`), c);
  assert.is(u.get('Service', 'MemoryDenyWriteExecute'), 'yes');
  assert.is(u.get('Service', 'ProcSubset'), 'pid');
  assert.is(u.get('Service', 'RestrictAddressFamilies'), 'AF_UNIX AF_INET AF_INET6');
  assert.is(u.get('Service', 'NoNewPrivileges'), 'yes');
});

test('trusted profile with --allow-dbus: the host bus bound in the drop-in, KillMode still control-group, no seccomp', () => {
  const u = eff('sbxdemo-trusted-dbus');
  assert.ok(u.getAll('Service', 'BindPaths').includes('-/run/dbus'));
  assert.is(u.get('Service', 'KillMode'), 'control-group');
  assert.is(u.get('Service', 'SystemCallFilter'), undefined);
  assert.is(u.get('Service', 'NoNewPrivileges'), undefined);
  assert.is(u.get('Service', 'PrivateTmp'), 'yes');
  assert.is(u.get('Service', 'PrivateNetwork'), 'no');
  assert.is(u.get('Service', 'IPAddressDeny'), undefined);
});

test('translations: host-view settings point at the sandbox, nothing creates host directories', () => {
  const text = readFileSync(path.join(golden, 'translations--trans@.service'), 'utf8');
  const u = parseUnitFile(text);
  // systemd 252 trusts a root-owned PID file naming any process: none in a sandbox (vendor-keys.ts)
  assert.is(u.get('Service', 'PIDFile'), undefined);
  assert.equal(u.getAll('Service', 'RuntimeDirectory'), ['sandbox/%i/trans sandbox/%i/trans2', 'sandbox/%i sandbox/%i/lock']);
  for (const k of ['StateDirectory', 'LogsDirectory', 'CacheDirectory', 'ConfigurationDirectory']) assert.is(u.get('Service', k), undefined, k);
  assert.ok(u.getAll('Service', 'Environment').includes('STATE_DIRECTORY=/var/lib/trans'));
  assert.is(u.get('Unit', 'Description'), 'Translations of %n are sure (sandbox %i)');
  assert.not.ok(u.has('Install', 'Alias'));
  // made inside the sandbox ('!'), never as host root on a path the sandbox can write
  assert.is(u.getAll('Service', 'ExecStartPre')[0], '!/usr/bin/install -d -m 0750 -o 0 -g 99 /run/trans');
  assert.not.match(text, /^Exec\w+=[-@:!]*\+/m);
});

test.run();
