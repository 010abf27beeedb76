// Vendor settings that would let a sandbox reach past its cgroup or act as
// host root (issue 13, points 3 and 4), on the throwaway systemd host with the
// fixture package test/fixtures/vendor/. Every verdict is read from outside the
// sandbox: a victim unit's state and main PID, the host's files, owners, modes.
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildRpm } from '../fixtures/rpm/build.js';
import { bootSandboxHost, treeListing, type SandboxHost } from './sandbox-host.js';

const FIXTURE_DIR = fileURLToPath(new URL('../../../test/fixtures/vendor/', import.meta.url));

let h: SandboxHost;
let work: string;


/** A host process outside every sandbox, started by systemd as root. */
async function startVictim(name: string): Promise<{ unit: string; pid: number }> {
  const unit = `sbxvictim-${name}.service`;
  await h.ok(`systemd-run -q --unit=${unit} --property=Type=exec sleep infinity`);
  const pid = await h.mainPid(unit);
  assert.ok(pid > 1, `${unit} has a main PID`);
  return { unit, pid };
}

/** The victim is still active, with the main PID it had, and that process is alive. */
async function assertVictimUnharmed(v: { unit: string; pid: number }): Promise<void> {
  assert.is((await h.ok(`systemctl show -p ActiveState --value ${v.unit}`)).trim(), 'active', `${v.unit} still active`);
  assert.is(await h.mainPid(v.unit), v.pid, `${v.unit} kept its main PID`);
  assert.is((await h.exec(['kill', '-0', String(v.pid)])).exitCode, 0, `process ${v.pid} alive`);
}

/** The unit's main PID is a process in the unit's own cgroup (read from /proc on the host). */
async function assertMainPidOwn(unit: string, victim: number): Promise<number> {
  const pid = await h.mainPid(unit);
  assert.ok(pid > 1, `${unit} has a main PID`);
  assert.is.not(pid, victim, `${unit} did not adopt the victim`);
  const cg = await h.ok(`cat /proc/${pid}/cgroup`);
  assert.ok(cg.includes(`/${unit}`), `main PID ${pid} is in ${unit}'s cgroup: ${cg}`);
  return pid;
}

test.before(async () => {
  work = mkdtempSync('/var/tmp/sbx-vendor-fixture-');
  const rpm = await buildRpm(path.join(FIXTURE_DIR, 'sbxvendor.spec'), path.join(FIXTURE_DIR, 'sbxvendor'), work);
  h = await bootSandboxHost('vendor-settings-test', [work]);
  await h.ok(`rpm -i --nodeps ${rpm} && systemctl daemon-reload`);
});
test.after(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('PIDFile= naming a host process: main PID guessed in the unit\'s cgroup, sandbox stop leaves the victim alive', async () => {
  const v = await startVictim('pidf');
  const c = await h.sandbox('create', '-u', 'sbxvendor-forking.service', 'pidf');
  assert.is(c.exitCode, 0, c.stderr);
  assert.not.match(await h.ok('cat /etc/systemd/system/sbxvendor-forking@.service'), /^PIDFile=/m);
  await h.ok(`echo ${v.pid} > /var/lib/sandbox/pidf/etc/sbxvendor/victim.pid`);
  const start = await h.sandbox('start', 'pidf');
  assert.is(start.exitCode, 0, start.stderr);
  // The daemon did lie: its PID file (in the sandbox's /run) names the victim.
  assert.is((await h.ok('cat /run/sandbox/pidf/sbxvendor/forking.pid')).trim(), String(v.pid));
  await assertMainPidOwn('sbxvendor-forking@pidf.service', v.pid);
  const stop = await h.sandbox('stop', 'pidf');
  assert.is(stop.exitCode, 0, stop.stderr);
  await assertVictimUnharmed(v);
  assert.is((await h.sandbox('delete', '--force', 'pidf')).exitCode, 0);
});

test('Type=notify sending MAINPID= of a host process: no notify socket reaches systemd, sandbox stop leaves the victim alive', async () => {
  const v = await startVictim('ntf');
  const c = await h.sandbox('create', '-u', 'sbxvendor-notify.service', 'ntf');
  assert.is(c.exitCode, 0, c.stderr);
  assert.match(c.stderr, /^sandbox: note: sbxvendor-notify\.service: Type=notify .*Type=exec/m);
  const unitText = await h.ok('cat /etc/systemd/system/sbxvendor-notify@.service');
  assert.match(unitText, /^Type=exec$/m);
  assert.not.match(unitText, /NotifyAccess|\/run\/systemd\/notify/);
  await h.ok(`echo ${v.pid} > /var/lib/sandbox/ntf/etc/sbxvendor/victim.pid`);
  const start = await h.sandbox('start', 'ntf');
  assert.is(start.exitCode, 0, start.stderr);
  const log = await h.ok('for i in $(seq 50); do grep -q "/var/run/systemd/notify:" /var/lib/sandbox/ntf/var/lib/sbxvendor/notify.log 2>/dev/null && break; sleep 0.1; done; cat /var/lib/sandbox/ntf/var/lib/sbxvendor/notify.log');
  // It tried every way to systemd's socket; none got there.
  assert.match(log, /^NOTIFY_SOCKET=\(unset\)$/m, log);
  for (const p of ['/run/systemd/notify', '/proc/1/root/run/systemd/notify', '/var/run/systemd/notify']) assert.match(log, new RegExp(`^${p}: failed: `, 'm'), log);
  await assertMainPidOwn('sbxvendor-notify@ntf.service', v.pid);
  const stop = await h.sandbox('stop', 'ntf');
  assert.is(stop.exitCode, 0, stop.stderr);
  await assertVictimUnharmed(v);
  assert.is((await h.sandbox('delete', '--force', 'ntf')).exitCode, 0);
});

test("a '+' command runs under the sandbox's limits, as its root: it cannot write the host's /etc", async () => {
  const c = await h.sandbox('create', '-u', 'sbxvendor-plus.service', 'plus');
  assert.is(c.exitCode, 0, c.stderr);
  assert.match(await h.ok('cat /etc/systemd/system/sbxvendor-plus@.service'), /^ExecStartPre=!\/usr\/libexec\/sandbox\/sandbox-landlock --signals -- \/bin\/sh -c 'id -u > \/run\/sbxvendor-plus; touch \/etc\/sbxvendor-plus-escaped; exit 0'$/m);
  const start = await h.sandbox('start', 'plus');
  assert.is(start.exitCode, 0, start.stderr);
  // systemd 252 gives a '+' command the private /run but a writable host /etc: the second write tells.
  assert.is((await h.exec(['test', '-e', '/etc/sbxvendor-plus-escaped'])).exitCode, 1, "nothing written in the host's /etc");
  assert.is((await h.exec(['test', '-e', '/run/sbxvendor-plus'])).exitCode, 1, "nothing written in the host's /run");
  assert.is((await h.ok('cat /run/sandbox/plus/sbxvendor-plus')).trim(), '0');
  // The package's /run directory, made inside by '!install' with the package's owner and mode.
  assert.is((await h.ok('stat -c "%U:%G %a" /run/sandbox/plus/sbxvendor-rundir')).trim(), 'daemon:daemon 700');
  const pid = await h.mainPid('sbxvendor-plus@plus.service');
  assert.is((await h.ok(`ps -o user= -p ${pid}`)).trim(), 'daemon');
  assert.is((await h.sandbox('delete', '--force', 'plus')).exitCode, 0);
});

test("a symlink planted in the shared /run does not turn the other unit's /run directory set-up against a host directory", async () => {
  await h.ok('mkdir -m 0755 /etc/sbx-victim-dir && chown 0:0 /etc/sbx-victim-dir');
  const c = await h.sandbox('create', '-u', 'sbxvendor-planter.service', '-u', 'sbxvendor-rundir.service', 'runs');
  assert.is(c.exitCode, 0, c.stderr);
  for (const u of ['sbxvendor-planter@.service', 'sbxvendor-rundir@.service']) {
    const text = await h.ok(`cat /etc/systemd/system/${u}`);
    assert.match(text, /^ExecStartPre=!\/usr\/libexec\/sandbox\/sandbox-landlock --signals -- \/usr\/bin\/install -d -m 0700 -o 1 -g 1 \/run\/sbxvendor-rundir$/m, text);
    assert.not.match(text, /^Exec\w+=[-@:!]*\+/m, text);
  }
  await h.ok('systemctl start sbxvendor-planter@runs.service');
  await h.ok('for i in $(seq 50); do test -L /run/sandbox/runs/sbxvendor-rundir && break; sleep 0.1; done; test -L /run/sandbox/runs/sbxvendor-rundir');
  assert.is((await h.ok('readlink /run/sandbox/runs/sbxvendor-rundir')).trim(), '/etc/sbx-victim-dir');
  // Inside the second unit the link leads to a read-only /etc: its set-up fails, the host dir stays as it was.
  const second = await h.exec(['systemctl', 'start', 'sbxvendor-rundir@runs.service']);
  assert.is((await h.ok('stat -c "%u:%g %a" /etc/sbx-victim-dir')).trim(), '0:0 755', `systemctl start exit ${second.exitCode} ${second.stderr}`);
  assert.is((await h.sandbox('delete', '--force', 'runs')).exitCode, 0);
  await h.ok('rmdir /etc/sbx-victim-dir');
});

test('a unit with settings no sandbox may have is refused in one line, exit 2, and nothing is written', async () => {
  const dirs = ['/etc/sandbox', '/var/lib/sandbox', '/etc/systemd/system'];
  const before = await treeListing(h, dirs);
  const r = await h.sandbox('create', '-u', 'sbxvendor-bad.service', 'bad1');
  assert.is(r.exitCode, 2, r.stderr);
  assert.is(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^sandbox: sbxvendor-bad\.service cannot be sandboxed: BindPaths=\/srv\/sbxvendor-data:\/srv\/data \((\/usr)?\/lib\/systemd\/system\/sbxvendor-bad\.service:7\): .*; Delegate=yes \((\/usr)?\/lib\/systemd\/system\/sbxvendor-bad\.service:8\): /, lines[0]);
  assert.is(await treeListing(h, dirs), before);
  assert.is((await h.exec(['systemctl', 'cat', 'sbxvendor-bad@bad1.service'])).exitCode, 1);
});

test.run();
