// The D-Bus client against a real systemd (the throwaway host), from outside
// it, through the address tests and admins set in DBUS_SYSTEM_BUS_ADDRESS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SystemdClient } from '../../src/systemd/client.js';
import { NotFoundError, UnavailableError } from '../../src/errors.js';
import { bootSandboxHost, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
let c: SystemdClient;

test.before(async () => {
  h = await bootSandboxHost('client-test');
  await h.ok(`cat > /etc/systemd/system/ok-test.service <<'EOT'
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
EOT
cat > /etc/systemd/system/fail-test.service <<'EOT'
[Service]
Type=oneshot
ExecStart=/bin/false
EOT
cat > /etc/systemd/system/long-test.service <<'EOT'
[Unit]
StartLimitIntervalSec=0
[Service]
ExecStart=/bin/sleep infinity
ExecReload=/bin/true
EOT`);
  c = await SystemdClient.connect({ address: h.busAddress });
  await c.daemonReload();
});

test.after(async () => {
  c?.close();
  await h?.stop();
});

test('version() is the real systemd version', async () => {
  const inside = (await h.ok('systemctl --version')).split('\n')[0]!;
  const v = await c.version();
  assert.ok(inside.includes(v.split('-')[0]!.split('.')[0]!), `${inside} vs ${v}`);
});

test('start of a unit that succeeds: done, active', async () => {
  const r = await c.start('ok-test.service');
  assert.equal([r.result, r.activeState], ['done', 'active']);
  assert.is((await h.exec(['systemctl', 'is-active', 'ok-test.service'])).stdout.trim(), 'active');
});

test('start of a unit that fails: failed, failed', async () => {
  const r = await c.start('fail-test.service');
  assert.equal([r.result, r.activeState], ['failed', 'failed']);
});

test('start of a unit that does not exist: NotFoundError', async () => {
  const e = await c.start('does-not-exist.service').then(() => undefined, (x: unknown) => x);
  assert.instance(e, NotFoundError);
  assert.match((e as Error).message, /does-not-exist\.service/);
});

test('restart, reload and stop each wait for their own job', async () => {
  assert.is((await c.start('long-test.service')).activeState, 'active');
  for (let i = 0; i < 10; i++) assert.is((await c.restart('long-test.service')).result, 'done');
  assert.is((await c.reload('long-test.service')).result, 'done');
  const s = await c.stop('long-test.service');
  assert.equal([s.result, s.activeState], ['done', 'inactive']);
});

test('LoadUnit/GetUnit: a missing unit is not-found, GetUnit of an unloaded one fails', async () => {
  assert.is((await c.unitProperties('nope.service')).loadState, 'not-found');
  const e = await c.getUnit('never-loaded-x.service').then(() => undefined, (x: unknown) => x);
  assert.instance(e, NotFoundError);
});

test('ListUnitsByPatterns and unit files; enable/disable', async () => {
  const units = await c.listUnitsByPatterns(['ok-test.service', 'fail-test.service']);
  assert.equal(units.map((u) => u.name).sort(), ['fail-test.service', 'ok-test.service']);
  await h.ok(`printf '[Install]\\nWantedBy=multi-user.target\\n' >> /etc/systemd/system/long-test.service`);
  await c.daemonReload();
  const changes = await c.enableUnitFiles(['long-test.service']);
  assert.ok(changes.some((x) => x.type === 'symlink' && x.file.includes('multi-user.target.wants/long-test.service')), JSON.stringify(changes));
  assert.is((await h.exec(['systemctl', 'is-enabled', 'long-test.service'])).stdout.trim(), 'enabled');
  await c.disableUnitFiles(['long-test.service']);
  assert.is((await h.exec(['systemctl', 'is-enabled', 'long-test.service'])).stdout.trim(), 'disabled');
});

test('service properties are JSON-safe numbers (BigInt handled)', async () => {
  await c.start('long-test.service');
  const p = await c.serviceProperties('long-test.service');
  assert.type(p.mainPid, 'number');
  assert.ok(p.mainPid > 0);
  JSON.stringify(p);
  // systemd's default bounding set holds every capability the kernel has; UMask= unset is 0022
  const all = 2n ** (BigInt((await h.ok('cat /proc/sys/kernel/cap_last_cap')).trim()) + 1n) - 1n;
  assert.match(p.capabilityBoundingSet, /^[0-9a-f]+$/);
  assert.is(BigInt('0x' + p.capabilityBoundingSet) & all, all, p.capabilityBoundingSet);
  assert.is(p.umask, 0o022);
  await c.stop('long-test.service');
});

test('sandbox doctor --json inside the host: systemd reachable with its real version', async () => {
  const r = await h.sandbox('doctor', '--json');
  const report = JSON.parse(r.stdout) as { checks: { name: string; status: string; data?: { version?: string } }[] };
  const systemd = report.checks.find((x) => x.name === 'systemd')!;
  assert.is(systemd.status, 'ok');
  assert.is(systemd.data?.version, await c.version());
  assert.is(report.checks.find((x) => x.name === 'root')!.status, 'ok');
});

test('doctor as non-root says so and fails', async () => {
  const r = await h.exec(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'node', '/work/main/dist/src/cli.js', 'doctor']);
  assert.is.not(r.exitCode, 0);
  assert.match(r.stdout, /FAIL\s+root\s+running as uid 65534/);
});

test('an unreachable bus: an error naming the address, within the timeout', async () => {
  const r = await h.exec(['node', '/work/main/dist/src/cli.js', 'list'], { env: { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/run/nothing-here' } });
  assert.is(r.exitCode, 5);
  assert.match(r.stderr, /unix:path=\/run\/nothing-here/);
  const e = await SystemdClient.connect({ address: 'unix:path=/run/nothing-here', callTimeoutMs: 2000 }).then(() => undefined, (x: unknown) => x);
  assert.instance(e, UnavailableError);
});

test.run();
