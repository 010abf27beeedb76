// The RPM fixture service (a real rpm package, rpm backend) on a real systemd:
// two sandboxes each keep their own state in their own tree, reload reaches
// both while the host unit is stopped, and the isolation holds.
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildFixtureRpm } from '../fixtures/rpm/build.js';
import { CLI, bootSandboxHost, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
let work: string;
const unit = (n: string) => `sbxdemo@${n}.service`;

test.before(async () => {
  work = mkdtempSync('/var/tmp/sbx-rpm-fixture-');
  const rpm = await buildFixtureRpm(work);
  h = await bootSandboxHost('sbxdemo-test', [work]);
  await h.ok(`rpm -i --nodeps ${rpm} && systemctl daemon-reload`);
});
test.after(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('create two sandboxes with the rpm backend, each with its own config', async () => {
  for (const n of ['demo1', 'demo2']) assert.is((await h.sandbox('create', '-u', 'sbxdemo.service', n)).exitCode, 0);
  assert.match(await h.ok('cat /etc/sandbox/demo1.sandbox'), /^packages=sbxdemo$/m);
  await h.ok("sed -i 's/^MESSAGE=.*/MESSAGE=second/' /var/lib/sandbox/demo2/etc/sbxdemo/sbxdemo.conf");
  assert.is((await h.sandbox('start', 'demo1', 'demo2')).exitCode, 0);
});

test('each writes its state into its own tree, the host copy is untouched', async () => {
  const state = (n: string) => h.ok(`for i in $(seq 50); do test -s /var/lib/sandbox/${n}/var/lib/sbxdemo/state && break; sleep 0.1; done; cat /var/lib/sandbox/${n}/var/lib/sbxdemo/state`);
  const s1 = await state('demo1');
  const s2 = await state('demo2');
  assert.match(s2, /^started second$/m);
  assert.not.match(s1, /second/);
  assert.match(s1, new RegExp(`^pid ${await h.mainPid(unit('demo1'))}$`, 'm'));
  assert.is((await h.exec(['test', '-e', '/var/lib/sbxdemo/state'])).exitCode, 1);
});

test('under the default profile: NoNewPrivileges, seccomp, KillMode=control-group; exposure ≤ 2.5', async () => {
  const pid = await h.mainPid(unit('demo1'));
  const status = await h.ok(`grep -E '^(NoNewPrivs|Seccomp):' /proc/${pid}/status`);
  assert.match(status, /^NoNewPrivs:\s+1$/m);
  assert.match(status, /^Seccomp:\s+2$/m);
  assert.is(await h.ok(`systemctl show -p KillMode --value ${unit('demo1')}`), 'control-group\n');
  const level = Number(/Overall exposure level for \S+: (\d+\.\d)/.exec(await h.ok(`systemd-analyze security --no-pager ${unit('demo1')}`))![1]);
  assert.ok(level <= 2.5, `exposure ${level}`);
});

test('systemctl reload sbxdemo.service (host unit stopped) reloads both sandboxes', async () => {
  const r = await h.exec(['systemctl', 'reload', 'sbxdemo.service']);
  assert.is.not(r.exitCode, 0);
  for (const n of ['demo1', 'demo2']) {
    const log = await h.ok(`for i in $(seq 50); do grep -q reloaded /var/lib/sandbox/${n}/var/log/sbxdemo/sbxdemo.log && break; sleep 0.1; done; cat /var/lib/sandbox/${n}/var/log/sbxdemo/sbxdemo.log`);
    assert.match(log, /^reloaded$/m);
  }
});

test('isolation from inside: /usr read-only, private /tmp, only lo, no sandbox trees, the context in the unit', async () => {
  const pid = await h.mainPid(unit('demo1'));
  const inside = (s: string) => h.exec(['nsenter', '-t', String(pid), '-m', '-n', 'sh', '-c', s]);
  assert.match((await inside('touch /usr/x')).stderr, /Read-only file system/);
  await h.ok('echo host > /tmp/only-on-host');
  assert.is.not((await inside('cat /tmp/only-on-host')).exitCode, 0);
  assert.is((await inside("ip -o link | awk -F': ' '{print $2}'")).stdout, 'lo\n');
  assert.is((await inside('ls -A /var/lib/sandbox')).stdout, '');
  assert.is((await inside('cat /etc/sbxdemo/sbxdemo.conf')).stdout, await h.ok('cat /var/lib/sandbox/demo1/etc/sbxdemo/sbxdemo.conf'));
  const ctx = /processContext=(.*)/.exec(await h.ok('cat /etc/sandbox/demo1.sandbox'))![1]!;
  assert.is((await h.ok(`systemctl show -p SELinuxContext --value ${unit('demo1')}`)).trim(), ctx);
});

test('systemd-analyze verify finds nothing wrong with the generated template, drop-in and target', async () => {
  const r = await h.exec(['systemd-analyze', 'verify', '--man=no', '/etc/systemd/system/sbxdemo@demo1.service', '/etc/systemd/system/sbxdemo-sandboxes.target']);
  assert.is(r.exitCode, 0, r.stdout + r.stderr);
  // Warnings go to stderr with exit 0: none may name a file the tool wrote.
  // (--man=no: the man page of Documentation= comes with the RPM, not installed here.)
  assert.not.match(r.stderr, /sbxdemo@|sandboxes\.target|50-sandbox\.conf/, r.stderr);
});

test('logs -f keeps printing: a reload after it started shows up, then it ends on SIGTERM', async () => {
  const out = await h.ok(
    `node ${CLI} logs -f -n 0 demo1 > /tmp/follow.out 2>&1 & pid=$!; ` +
      // journalctl may not be reading yet when the first reload is logged: reload until one shows up.
      `for i in $(seq 30); do systemctl reload ${unit('demo1')}; sleep 0.3; grep -q Reloaded /tmp/follow.out && break; done; ` +
      'kill -TERM $pid; wait $pid; echo "exit=$?"; cat /tmp/follow.out',
  );
  assert.match(out, /Reloaded.*sbxdemo@demo1\.service|sbxdemo@demo1\.service.*Reloaded/, out);
  assert.not.match(out, /Started/, 'with -n 0 only new entries are printed');
  assert.match(out, /^exit=(0|143)$/m);
});

test('delete both: the generated template goes with the last one', async () => {
  assert.is((await h.sandbox('delete', '--force', 'demo1')).exitCode, 0);
  await h.ok('test -f /etc/systemd/system/sbxdemo@.service');
  assert.is((await h.sandbox('delete', '--force', 'demo2')).exitCode, 0);
  assert.is((await h.exec(['test', '-e', '/etc/systemd/system/sbxdemo@.service'])).exitCode, 1);
  assert.is((await h.ok(`systemctl show -p LoadState --value ${unit('demo1')}`)).trim(), 'not-found');
});

/** How many daemon-reloads systemd logged since `cursor`. */
async function reloadsSince(cursor: string): Promise<number> {
  const log = await h.ok(`journalctl --after-cursor='${cursor}' _PID=1 -o cat --no-pager`);
  return log.split('\n').filter((l) => /^Reloading( requested|\.|\.\.\.)/.test(l) && !/finished/.test(l)).length;
}

test('a batch: 4 sandboxes in one call with one daemon-reload, all start, each its own label; #2 of 3 failing leaves #1 startable', async () => {
  const names = ['bat1', 'bat2', 'bat3', 'bat4'];
  const cursor = (await h.ok('journalctl -n 0 --show-cursor --no-pager')).match(/-- cursor: (.*)/)![1]!;
  const r = await h.sandbox('create', '-u', 'sbxdemo.service', ...names);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(await reloadsSince(cursor), 1);
  assert.is((await h.sandbox('start', ...names)).exitCode, 0);
  for (const n of names) assert.is((await h.ok(`systemctl is-active ${unit(n)}`)).trim(), 'active', n);
  const labels = await Promise.all(names.map(async (n) => /^label=(.*)$/m.exec(await h.ok(`cat /etc/sandbox/${n}.sandbox`))![1]!));
  assert.is(new Set(labels).size, names.length);

  await h.ok('mkdir /var/lib/sandbox/bat6');
  const failed = await h.sandbox('create', '-u', 'sbxdemo.service', 'bat5', 'bat6', 'bat7');
  assert.is(failed.exitCode, 4, failed.stderr);
  assert.match(failed.stderr, /^sandbox: creating sandbox 'bat6' failed \(rolled back\): .*; created: bat5; not attempted: bat7$/m);
  assert.is((await h.sandbox('start', 'bat5')).exitCode, 0);
  assert.is((await h.ok(`systemctl is-active ${unit('bat5')}`)).trim(), 'active');
  assert.is((await h.exec(['test', '-e', '/etc/sandbox/bat7.sandbox'])).exitCode, 1);
  await h.ok('rmdir /var/lib/sandbox/bat6');
  assert.is((await h.sandbox('delete', '--force', ...names, 'bat5')).exitCode, 0);
});

test('start of several: a sandbox whose unit is gone stops the call before any job is queued', async () => {
  assert.is((await h.sandbox('create', '-u', 'sbxdemo.service', 'pa', 'pb')).exitCode, 0);
  await h.ok("sed -i 's/^units=.*/units=sbxgone.service/' /etc/sandbox/pb.sandbox");
  const r = await h.sandbox('start', 'pa', 'pb');
  assert.is(r.exitCode, 1, r.stderr);
  assert.match(r.stderr, /sandbox 'pb': the unit file of sbxgone@pb.service is missing/);
  assert.is((await h.exec(['systemctl', 'is-active', unit('pa')])).stdout.trim(), 'inactive');
  await h.ok("sed -i 's/^units=.*/units=sbxdemo.service/' /etc/sandbox/pb.sandbox");
  assert.is((await h.sandbox('delete', '--force', 'pa', 'pb')).exitCode, 0);
});

test('create --now: created and started in one call', async () => {
  const r = await h.sandbox('create', '--now', '-u', 'sbxdemo.service', 'now1', 'now2');
  assert.is(r.exitCode, 0, r.stderr);
  for (const n of ['now1', 'now2']) assert.is((await h.ok(`systemctl is-active ${unit(n)}`)).trim(), 'active', n);
  assert.is((await h.sandbox('delete', '--force', 'now1', 'now2')).exitCode, 0);
});

test.run();
