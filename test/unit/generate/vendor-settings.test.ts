// The vendor-settings table: each class of key (copied, translated, dropped,
// refused, unknown) on small units, and the table against systemd 252's own list.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCode, SandboxError } from '../../../src/errors.js';
import { VENDOR_KEYS } from '../../../src/generate/vendor-keys.js';
import { sandboxableSettings, vendorSettings } from '../../../src/generate/vendor-settings.js';
import { parseUnitFile, serializeUnitFile } from '../../../src/unitfile/index.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures');

const unit = (service: string, unitSection = '') => parseUnitFile(`[Unit]\nDescription=t\n${unitSection}\n[Service]\n${service}\n[Install]\nWantedBy=multi-user.target\n`, 'v.service');
/** The [Service] lines the sandbox's unit keeps. */
const kept = (service: string) => {
  const r = vendorSettings(unit(service));
  assert.equal(r.refusals, [], JSON.stringify(r.refusals));
  return r.unit.entries('Service').map((e) => `${e.key}=${e.value}`);
};
const refusal = (service: string, unitSection = '') => {
  const r = vendorSettings(unit(service, unitSection));
  assert.is(r.refusals.length, 1, JSON.stringify(r.refusals));
  return r.refusals[0]!;
};

test("the table knows every [Unit]/[Service] key of systemd 252, and nothing else", () => {
  const listed = readFileSync(path.join(fixtures, 'systemd-252-unit-service-keys.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  assert.is(listed.length, 356);
  const inTable = Object.entries(VENDOR_KEYS).flatMap(([s, keys]) => Object.keys(keys).map((k) => `${s}.${k}`));
  assert.equal(listed.filter((k) => !inTable.includes(k)), [], 'keys of systemd 252 missing from the table');
  assert.equal(inTable.filter((k) => !listed.includes(k)), [], 'keys in the table that systemd 252 does not know');
});

test('copied: settings that act inside the sandbox or only restrict it, byte for byte', () => {
  const text = '[Unit]\nDescription=t\nAfter=network.target \\\n  remote-fs.target\n[Service]\nEnvironment=A=1 "B=2 3"\nUser=www-data\nGroup=www-data\nPrivateUsers=yes\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\nExecStart=/usr/sbin/x -f\nWorkingDirectory=/var/lib/x\nPrivateNetwork=yes\nX-Custom=1\n';
  const r = vendorSettings(parseUnitFile(text, 'v.service'));
  assert.equal(r.refusals, []);
  assert.equal(r.notes, []);
  assert.is(serializeUnitFile(r.unit), text);
});

test('an empty assignment (a list reset) of a kept key is kept', () => {
  assert.equal(kept('ExecStartPre=\nExecStartPre=/bin/true\nEnvironment=\nExecStart=/bin/x'), ['ExecStartPre=', 'ExecStartPre=/bin/true', 'Environment=', 'ExecStart=/bin/x']);
});

test("command prefixes: '+' becomes '!' (inside the sandbox, as its root); '!', '!!', '-', '@', ':' stay", () => {
  assert.equal(kept('ExecStartPre=+/bin/a\nExecStartPre=-+/bin/b\nExecStart=@/bin/c c\nExecStartPost=!/bin/d\nExecReload=!!/bin/e\nExecStop=:/bin/f $X\nExecStopPost=-/bin/g\nExecCondition=+-/bin/h'), [
    'ExecStartPre=!/bin/a',
    'ExecStartPre=-!/bin/b',
    'ExecStart=@/bin/c c',
    'ExecStartPost=!/bin/d',
    'ExecReload=!!/bin/e',
    'ExecStop=:/bin/f $X',
    'ExecStopPost=-/bin/g',
    'ExecCondition=-!/bin/h',
  ]);
});

test("PermissionsStartOnly=yes: the control commands run as '!', ExecStart= as it was", () => {
  assert.equal(kept('PermissionsStartOnly=yes\nExecStartPre=/bin/a\nExecStart=/bin/b\nExecStopPost=-/bin/c\nExecReload=!/bin/d'), ['ExecStartPre=!/bin/a', 'ExecStart=/bin/b', 'ExecStopPost=-!/bin/c', 'ExecReload=!/bin/d']);
});

test('PID and notify: PIDFile=, NotifyAccess=, WatchdogSec= go; Type=notify runs as exec, with a note', () => {
  const r = vendorSettings(unit('Type=notify\nNotifyAccess=all\nWatchdogSec=10\nPIDFile=/run/x.pid\nGuessMainPID=yes\nExecStart=/bin/x'));
  assert.equal(r.unit.entries('Service').map((e) => `${e.key}=${e.value}`), ['Type=exec', 'GuessMainPID=yes', 'ExecStart=/bin/x']);
  assert.is(r.notes.length, 1);
  assert.match(r.notes[0]!.reason, /notify socket/);
  assert.equal(kept('Type=forking\nPIDFile=/run/x/x.pid\nExecStart=/bin/x'), ['Type=forking', 'ExecStart=/bin/x']);
  assert.equal(kept('Type=notify-reload\nExecStart=/bin/x'), ['Type=exec', 'ExecStart=/bin/x']);
});

test("D-Bus services: Type=dbus and BusName= without Type= are refused; BusName= of another type goes", () => {
  assert.match(refusal('Type=dbus\nBusName=org.x\nExecStart=/bin/x').reason, /system bus/);
  assert.match(refusal('BusName=org.x\nExecStart=/bin/x').reason, /Type=dbus/);
  assert.equal(kept('Type=simple\nBusName=org.x\nExecStart=/bin/x'), ['Type=simple', 'ExecStart=/bin/x']);
});

test('killing: KillMode= is control-group whatever the vendor says; SendSIGKILL=no goes', () => {
  assert.equal(kept('KillMode=process'), ['KillMode=control-group']);
  assert.equal(kept('KillMode=mixed\nSendSIGKILL=no\nKillSignal=SIGINT'), ['KillMode=control-group', 'KillSignal=SIGINT']);
  assert.equal(kept('KillMode=none\nSendSIGKILL=yes'), ['KillMode=control-group', 'SendSIGKILL=yes']);
});

test('Delegate=yes is refused, Delegate=no goes; PrivateNetwork=no goes (the drop-in decides), yes stays', () => {
  assert.match(refusal('Delegate=yes').reason, /cgroup/);
  assert.match(refusal('Delegate=cpu memory').reason, /cgroup/);
  assert.equal(kept('Delegate=no\nPrivateNetwork=no'), []);
  assert.equal(kept('PrivateNetwork=true'), ['PrivateNetwork=true']);
});

test('users: User=/Group=/PrivateUsers= copied, DynamicUser=yes refused, KeyringMode= always private', () => {
  assert.equal(kept('User=x\nGroup=y\nSupplementaryGroups=z\nDynamicUser=no\nKeyringMode=shared'), ['User=x', 'Group=y', 'SupplementaryGroups=z', 'DynamicUser=no', 'KeyringMode=private']);
  assert.match(refusal('DynamicUser=yes').reason, /private/);
  assert.ok(refusal('PAMName=login'));
});

test('host roots and namespaces are refused: RootDirectory=, RootImage=, NetworkNamespacePath=, JoinsNamespaceOf=', () => {
  for (const s of ['RootDirectory=/srv/root', 'RootImage=/srv/x.raw', 'MountImages=/x.raw:/mnt', 'NetworkNamespacePath=/run/netns/x', 'IPCNamespacePath=/proc/1/ns/ipc']) {
    const r = refusal(s);
    assert.is(`${r.key}=${r.value}`, s);
  }
  assert.is(refusal('', 'JoinsNamespaceOf=other.service').key, 'JoinsNamespaceOf');
});

test('ReadWritePaths=: inside the tree or the private /run and /tmp it is redundant and goes; a host path is refused, or dropped with a note when optional', () => {
  assert.equal(kept('ReadWritePaths=/var/lib/x /etc/x /run/x /var/run/y -/tmp/z'), []);
  const r = refusal('ReadWritePaths=/var/lib/x /srv/data');
  assert.match(r.reason, /\/srv\/data is a host path/);
  assert.match(refusal('ReadWritePaths=/var/lib/sandbox').reason, /host path/);
  const v = vendorSettings(unit('ReadWritePaths=-/srv/data /var/lib/x'));
  assert.equal(v.refusals, []);
  assert.is(v.notes.length, 1);
  assert.equal(v.unit.entries('Service'), []);
});

test('BindPaths=/BindReadOnlyPaths=: a copy bound on its own is taken from the tree; host paths read-write, hidden places and copies in whole directories are refused', () => {
  assert.equal(kept('BindPaths=/etc/default/x:/x -/var/lib/y'), ['BindPaths=/var/lib/sandbox/%i/etc/default/x:/x -/var/lib/sandbox/%i/var/lib/y:/var/lib/y']);
  assert.equal(kept('BindReadOnlyPaths=/usr/share/x:/y /opt/z'), ['BindReadOnlyPaths=/usr/share/x:/y /opt/z']);
  assert.match(refusal('BindPaths=/srv/data').reason, /read-write/);
  assert.match(refusal('BindPaths=/var/lib/x/sub:/data').reason, /symlink/);
  for (const p of ['/run/x', '/var/run/x', '/home/u', '/var/lib/sandbox/other', '/tmp/x', '/etc/apache2/sites-enabled/x']) assert.ok(refusal(`BindReadOnlyPaths=${p}:/y`), p);
  const v = vendorSettings(unit('BindReadOnlyPaths=-/run/x:/y /usr/share/z'));
  assert.equal(v.unit.entries('Service').map((e) => e.value), ['/usr/share/z']);
  assert.is(v.notes.length, 1);
});

test('EnvironmentFile=: a file bound on its own comes from the tree; one the sandbox could swap for a symlink is refused (optional: dropped with a note); /usr stays the host\'s', () => {
  assert.equal(kept('EnvironmentFile=-/etc/default/x\nEnvironmentFile=/etc/sysconfig/y\nEnvironmentFile=/usr/lib/x/env'), [
    'EnvironmentFile=-/var/lib/sandbox/%i/etc/default/x',
    'EnvironmentFile=/var/lib/sandbox/%i/etc/sysconfig/y',
    'EnvironmentFile=/usr/lib/x/env',
  ]);
  assert.match(refusal('EnvironmentFile=/etc/x/env').reason, /symlink/);
  assert.match(refusal('EnvironmentFile=/run/x/env').reason, /host root/);
  const v = vendorSettings(unit('EnvironmentFile=-/run/mysqld/wsrep'));
  assert.equal(v.unit.entries('Service'), []);
  assert.is(v.notes.length, 1);
});

test('directories: RuntimeDirectory= moves under sandbox/%i, StateDirectory= & co. become their variables, RuntimeDirectoryPreserve= goes', () => {
  assert.equal(kept('RuntimeDirectory=x y\nRuntimeDirectoryPreserve=yes\nRuntimeDirectoryMode=0750\nStateDirectory=x\nLogsDirectory=x y'), [
    'RuntimeDirectory=sandbox/%i/x sandbox/%i/y',
    'RuntimeDirectoryMode=0750',
    'Environment=STATE_DIRECTORY=/var/lib/x',
    'Environment=LOGS_DIRECTORY=/var/log/x:/var/log/y',
  ]);
});

test('output to a file goes to the journal (with a note); a file or terminal as input is refused', () => {
  const v = vendorSettings(unit('StandardOutput=append:/var/log/x.log\nStandardError=journal'));
  assert.equal(v.unit.entries('Service').map((e) => `${e.key}=${e.value}`), ['StandardOutput=journal', 'StandardError=journal']);
  assert.is(v.notes.length, 1);
  assert.ok(refusal('StandardInput=file:/etc/shadow'));
  assert.ok(refusal('TTYPath=/dev/tty1'));
});

test('host actions and host-only settings go: FailureAction=, SELinuxContext=, Sockets=, UtmpIdentifier=', () => {
  assert.equal(kept('FailureAction=reboot\nSuccessAction=poweroff\nSELinuxContext=system_u:system_r:httpd_t:s0\nSockets=x.socket\nUtmpIdentifier=x'), []);
  const r = vendorSettings(unit('', 'FailureAction=reboot-force\nStartLimitAction=reboot'));
  assert.equal(r.unit.entries('Unit').map((e) => e.key), ['Description']);
});

test('an unknown key goes, with a note naming it; other sections go', () => {
  const r = vendorSettings(unit('PrivatePIDs=yes\nExecStart=/bin/x'));
  assert.equal(r.unit.entries('Service').map((e) => e.key), ['ExecStart']);
  assert.is(r.notes.length, 1);
  assert.is(r.notes[0]!.key, 'PrivatePIDs');
  assert.is(r.notes[0]!.where, 'v.service:5');
  assert.equal(r.unit.sections(), ['Unit', 'Service']);
});

test('sandboxableSettings: every refusal in one line naming the unit, key, value and line; exit 2', () => {
  const u = parseUnitFile('[Service]\nExecStart=/bin/x\nDelegate=yes\nRootDirectory=/srv/r\n', '/usr/lib/systemd/system/x.service');
  try {
    sandboxableSettings('x.service', u);
    assert.unreachable('refused');
  } catch (e) {
    assert.instance(e, SandboxError);
    assert.is((e as SandboxError).exitCode, ExitCode.usage);
    const m = (e as Error).message;
    assert.not.match(m, /\n/);
    assert.match(m, /^x\.service cannot be sandboxed: Delegate=yes \(\/usr\/lib\/systemd\/system\/x\.service:3\): .+; RootDirectory=\/srv\/r \(\/usr\/lib\/systemd\/system\/x\.service:4\): .+$/);
  }
});

test('the real units of the fixtures are sandboxable as they are', () => {
  for (const f of ['unitfile/apache2.service', 'unitfile/apache2@.service', 'unitfile/translations.service', 'rpm/sbxdemo/sbxdemo.service']) {
    const r = vendorSettings(parseUnitFile(readFileSync(path.join(fixtures, f), 'utf8'), f));
    assert.equal(r.refusals, [], f);
  }
});

test.run();
