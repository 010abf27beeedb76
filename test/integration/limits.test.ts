// Resource limits (issue 16) on the throwaway systemd host: what systemd
// itself says the sandbox's unit has (systemctl show), after create and after
// set on a running sandbox. Enforcement (a sixth task refused, memory.max)
// needs the controllers this test host has none of (the machine's are on
// cgroup v1): the SELinux VM test checks it under a real PID 1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootSandboxHost, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
const UNIT = 'apache2@lim1.service';
const show = async () => {
  const out = await h.ok(`systemctl show -p MemoryMax -p CPUQuotaPerSecUSec -p TasksMax -p IOWeight ${UNIT}`);
  return Object.fromEntries(out.trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
};

test.before(async () => {
  h = await bootSandboxHost('limits-test');
});
test.after(async () => {
  await h?.stop();
});

test('bad values are one line, exit 2, nothing written', async () => {
  for (const [opt, value, re] of [
    ['--memory', '10QB', /^sandbox: --memory '10QB': expected a size like 512M/],
    ['--memory', '-1G', /^sandbox: --memory '-1G': expected a size/],
    ['--memory', '100000T', /^sandbox: --memory '100000T': above the host's memory/],
    ['--cpu', '0', /^sandbox: --cpu '0': must be 1 to/],
    ['--tasks', 'many', /^sandbox: --tasks 'many': expected a whole number/],
  ] as const) {
    const r = await h.sandbox('create', '-u', 'apache2.service', opt, value, 'bad1');
    assert.is(r.exitCode, 2, `${opt} ${value}: ${r.stderr}`);
    assert.match(r.stderr.split('\n').filter(Boolean).pop()!, re);
  }
  assert.is((await h.exec(['test', '-e', '/var/lib/sandbox/bad1'])).exitCode, 1);
  assert.is((await h.exec(['test', '-e', '/etc/sandbox/bad1.sandbox'])).exitCode, 1);
});

test("create --memory --cpu --tasks --io-weight: systemd's view of the unit has them; status shows them with current use", async () => {
  const c = await h.sandbox('create', '-u', 'apache2.service', '--memory', '256M', '--cpu', '50', '--tasks', '64', '--io-weight', '200', 'lim1');
  assert.is(c.exitCode, 0, c.stderr);
  assert.equal(await show(), { MemoryMax: String(256 * 1024 ** 2), CPUQuotaPerSecUSec: '500ms', TasksMax: '64', IOWeight: '200' });
  const s = await h.sandbox('start', 'lim1');
  assert.is(s.exitCode, 0, s.stderr);
  const st = await h.sandbox('status', '--json', 'lim1');
  const j = JSON.parse(st.stdout) as { limits: string[]; units: { cpuNSec: number | null }[] };
  assert.equal(j.limits, [`memory=${256 * 1024 ** 2}`, 'cpu=50', 'tasks=64', 'io-weight=200']);
  assert.is(j.units.length, 1);
  assert.ok(typeof j.units[0]!.cpuNSec === 'number' && j.units[0]!.cpuNSec > 0, st.stdout);
});

test('set on a running sandbox: systemd has the new values at once, the record keeps them, none lifts one', async () => {
  const pid = await h.mainPid(UNIT);
  const r = await h.sandbox('set', 'lim1', 'memory=512M', 'tasks=none');
  assert.is(r.exitCode, 0, r.stderr);
  const now = await show();
  assert.is(now.MemoryMax, String(512 * 1024 ** 2));
  // lifted: systemd's own default for a service again
  assert.is(now.TasksMax, (await h.ok('systemctl show -p DefaultTasksMax --value')).trim());
  assert.is(now.CPUQuotaPerSecUSec, '500ms');
  assert.is(await h.mainPid(UNIT), pid, 'set does not restart the sandbox');
  assert.match(await h.ok('cat /etc/sandbox/lim1.sandbox'), new RegExp(`^limits="memory=${512 * 1024 ** 2} cpu=50 io-weight=200"$`, 'm'));
  const bad = await h.sandbox('set', 'lim1', 'swap=1G');
  assert.is(bad.exitCode, 2);
  const all = await h.sandbox('set', 'lim1', 'memory=none', 'cpu=none', 'io-weight=none');
  assert.is(all.exitCode, 0, all.stderr);
  assert.is((await h.exec(['test', '-e', '/etc/systemd/system/apache2@lim1.service.d/45-limits.conf'])).exitCode, 1);
  assert.is((await show()).MemoryMax, 'infinity');
});

test('delete removes the limits drop-in with the rest', async () => {
  const s = await h.sandbox('set', 'lim1', 'tasks=10');
  assert.is(s.exitCode, 0, s.stderr);
  const d = await h.sandbox('delete', '--force', 'lim1');
  assert.is(d.exitCode, 0, d.stderr);
  assert.is((await h.exec(['test', '-e', '/etc/systemd/system/apache2@lim1.service.d'])).exitCode, 1);
});

test.run();
