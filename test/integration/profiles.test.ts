// The hardening profiles on a real systemd (the throwaway host), with Debian's
// apache2: strict and trusted each start, serve and reload, and systemd shows
// each profile's settings on the unit; an unknown profile writes nothing; the
// host's D-Bus is inside only with --allow-dbus; and a new version of a
// shipped profile file reaches an existing sandbox at the next daemon-reload.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { findProjectDir } from '../host/throwaway-host.js';
import { bootSandboxHost, treeListing, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
const PROFILES = path.join(findProjectDir(), 'units/profiles');
const STATE_DIRS = ['/etc/systemd/system', '/etc/sandbox', '/var/lib/sandbox'];
const unit = (n: string) => `apache2@${n}.service`;

test.before(async () => {
  h = await bootSandboxHost('profiles-test');
});
test.after(async () => {
  await h?.stop();
});

/** systemctl show -p A,B… as a map. */
async function show(u: string, props: string[]): Promise<Record<string, string>> {
  const out = await h.ok(`systemctl show -p ${props.join(',')} ${u}`);
  return Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** Started, serving its own page on port 80, and reloaded by systemctl reload. */
async function servesAndReloads(name: string): Promise<void> {
  await h.ok(`echo ${name} > /var/lib/sandbox/${name}/var/www/html/index.html`);
  const r = await h.sandbox('start', name);
  assert.is(r.exitCode, 0, r.stdout + r.stderr);
  assert.is((await h.exec(['systemctl', 'is-active', unit(name)])).stdout, 'active\n');
  const pid = await h.mainPid(unit(name));
  assert.is((await h.curlIn(pid, 'http://127.0.0.1/')).stdout, `${name}\n`);
  const reload = await h.exec(['systemctl', 'reload', unit(name)]);
  assert.is(reload.exitCode, 0, reload.stderr);
  assert.is((await h.exec(['systemctl', 'is-active', unit(name)])).stdout, 'active\n');
  assert.is(await h.mainPid(unit(name)), pid);
  assert.is((await h.curlIn(pid, 'http://127.0.0.1/')).stdout, `${name}\n`);
}

const caps = (v: string) => v.split(' ').filter(Boolean);

test('--profile bogus: exit 2, one line, nothing written', async () => {
  const before = await treeListing(h, STATE_DIRS);
  const r = await h.sandbox('create', '--profile', 'bogus', '-u', 'apache2.service', 'nope');
  assert.is(r.exitCode, 2);
  assert.match(r.stderr, /^sandbox: --profile bogus: no such profile; use one of default, strict, trusted /m);
  assert.is(r.stderr.split('\n').filter((l) => l.startsWith('sandbox: ')).length, 1);
  assert.is(await treeListing(h, STATE_DIRS), before);
});

test('strict: apache2 starts, serves and reloads; systemd shows the allow-listed capabilities, W^X, ProcSubset, NoNewPrivileges', async () => {
  const c = await h.sandbox('create', '--profile', 'strict', '-u', 'apache2.service', 'st1');
  assert.is(c.exitCode, 0, c.stderr);
  assert.is(await h.ok(`readlink /etc/systemd/system/${unit('st1')}.d/40-profile.conf`), `${PROFILES}/strict.conf\n`);
  await servesAndReloads('st1');
  const p = await show(unit('st1'), ['CapabilityBoundingSet', 'NoNewPrivileges', 'MemoryDenyWriteExecute', 'ProcSubset', 'RestrictAddressFamilies', 'KillMode', 'SystemCallArchitectures']);
  assert.equal(caps(p.CapabilityBoundingSet!).sort(), ['cap_chown', 'cap_dac_override', 'cap_fowner', 'cap_kill', 'cap_net_bind_service', 'cap_setgid', 'cap_setuid']);
  assert.is(p.NoNewPrivileges, 'yes');
  assert.is(p.MemoryDenyWriteExecute, 'yes');
  assert.is(p.ProcSubset, 'pid');
  assert.equal(caps(p.RestrictAddressFamilies!).sort(), ['AF_INET', 'AF_INET6', 'AF_UNIX']);
  assert.is(p.KillMode, 'control-group');
  assert.is(p.SystemCallArchitectures, 'native');
  // and the kernel holds the process to it
  const status = await h.ok(`grep -E '^(NoNewPrivs|Seccomp):' /proc/${await h.mainPid(unit('st1'))}/status`);
  assert.match(status, /^NoNewPrivs:\s+1$/m);
  assert.match(status, /^Seccomp:\s+2$/m);
});

test('trusted: apache2 starts, serves and reloads; no seccomp or NoNewPrivileges, but no module loading, the control group killed whole', async () => {
  const c = await h.sandbox('create', '--profile', 'trusted', '-u', 'apache2.service', 'tr1');
  assert.is(c.exitCode, 0, c.stderr);
  await servesAndReloads('tr1');
  const p = await show(unit('tr1'), ['CapabilityBoundingSet', 'NoNewPrivileges', 'SystemCallFilter', 'ProtectKernelModules', 'ProtectControlGroups', 'KillMode', 'PrivateTmp', 'PrivateNetwork']);
  const set = caps(p.CapabilityBoundingSet!);
  for (const c of ['cap_sys_module', 'cap_sys_boot', 'cap_sys_time', 'cap_mac_admin', 'cap_bpf']) assert.not.ok(set.includes(c), c);
  assert.ok(set.includes('cap_sys_admin'));
  assert.is(p.NoNewPrivileges, 'no');
  assert.is(p.SystemCallFilter, '~');
  assert.is(p.ProtectKernelModules, 'yes');
  assert.is(p.ProtectControlGroups, 'yes');
  assert.is(p.KillMode, 'control-group');
  assert.is(p.PrivateTmp, 'yes');
  assert.is(p.PrivateNetwork, 'yes');
});

test('status and list --json show the profile; status shows the exposure systemd computes', async () => {
  const st = JSON.parse((await h.sandbox('status', 'st1', '--json')).stdout) as { profile: string; units: { unit: string; exposure: { level: number; verdict: string } }[] };
  assert.is(st.profile, 'strict');
  assert.is(st.units.length, 1);
  const analyzed = /Overall exposure level for \S+: (\d+\.\d)/.exec(await h.ok(`systemd-analyze security --no-pager ${unit('st1')}`))![1]!;
  assert.is(st.units[0]!.exposure.level, Number(analyzed));
  assert.match((await h.sandbox('status', 'tr1')).stdout, /^ {3}Profile: trusted$/m);
  assert.match((await h.sandbox('status', 'tr1')).stdout, new RegExp(`exposure \\d+\\.\\d \\S+$`, 'm'));
  const list = JSON.parse((await h.sandbox('list', '--json')).stdout) as { name: string; profile: string }[];
  assert.equal(list.map((s) => [s.name, s.profile]), [['st1', 'strict'], ['tr1', 'trusted']]);
});

test("the host's D-Bus: absent inside a sandbox, present with --allow-dbus", async () => {
  const socketInside = async (name: string) => (await h.exec(['nsenter', '-t', String(await h.mainPid(unit(name))), '-m', 'test', '-S', '/run/dbus/system_bus_socket'])).exitCode;
  assert.is((await h.exec(['test', '-S', '/run/dbus/system_bus_socket'])).exitCode, 0);
  assert.is(await socketInside('st1'), 1);
  const c = await h.sandbox('create', '--allow-dbus', '--now', '-u', 'apache2.service', 'bus1');
  assert.is(c.exitCode, 0, c.stderr);
  assert.is(await socketInside('bus1'), 0);
  assert.match(await h.ok('cat /etc/sandbox/bus1.sandbox'), /^dbus=host$/m);
  assert.is((await h.sandbox('delete', '--force', 'bus1')).exitCode, 0);
});

test('a new version of a shipped profile reaches an existing sandbox at the next daemon-reload, without re-creating it', async () => {
  // What a package update does to /usr/lib/sandbox/units/profiles/trusted.conf:
  // a changed file at the same path (bound over the read-only checkout, inside the test host only).
  await h.ok(`cp ${PROFILES}/trusted.conf /root/trusted.conf && printf 'CPUWeight=42\\n' >> /root/trusted.conf && mount --bind /root/trusted.conf ${PROFILES}/trusted.conf`);
  const record = await h.ok('sha256sum /etc/sandbox/tr1.sandbox /etc/systemd/system/apache2@tr1.service.d/50-sandbox.conf');
  assert.is((await show(unit('tr1'), ['CPUWeight'])).CPUWeight, '[not set]');
  await h.ok('systemctl daemon-reload');
  assert.is((await show(unit('tr1'), ['CPUWeight'])).CPUWeight, '42');
  // the other profiles' sandboxes did not change
  assert.is((await show(unit('st1'), ['CPUWeight'])).CPUWeight, '[not set]');
  assert.is(await h.ok('sha256sum /etc/sandbox/tr1.sandbox /etc/systemd/system/apache2@tr1.service.d/50-sandbox.conf'), record);
  await h.ok(`umount ${PROFILES}/trusted.conf && systemctl daemon-reload`);
});

test('delete removes the profile links and leaves the shipped profiles', async () => {
  const before = await h.ok(`sha256sum ${PROFILES}/*.conf`);
  assert.is((await h.sandbox('delete', '--force', 'st1', 'tr1')).exitCode, 0);
  for (const n of ['st1', 'tr1']) assert.is((await h.exec(['test', '-e', `/etc/systemd/system/${unit(n)}.d`])).exitCode, 1, n);
  assert.is(await h.ok(`sha256sum ${PROFILES}/*.conf`), before);
});

test.run();
