// The whole journey with a real service (Debian's apache2) on a real systemd:
// create two sandboxes, run them side by side, prove the isolation the unit
// promises, reload propagation, the service target, list/status/logs, delete.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootSandboxHost, treeListing, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
const A = 'apache2@apache1.service';
const B = 'apache2@apache2.service';
const STATE_DIRS = ['/etc/systemd/system', '/etc/sandbox', '/var/lib/sandbox'];

test.before(async () => {
  h = await bootSandboxHost('apache-test');
});
test.after(async () => {
  await h?.stop();
});

/** Jobs propagated to other units finish after systemctl returns: poll for the expected value. */
async function eventually<T>(read: () => Promise<T>, expected: T, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await read();
  while (JSON.stringify(v) !== JSON.stringify(expected) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    v = await read();
  }
  return v;
}
const reloads = async (unit: string) => Number((await h.sh(`journalctl -u ${unit} -o cat --no-pager | grep -c '^Reloaded'`)).stdout.trim());
const active = async (unit: string) => (await h.exec(['systemctl', 'is-active', unit])).stdout.trim();

test('--dry-run prints the plan and writes nothing', async () => {
  const before = await treeListing(h, STATE_DIRS);
  const r = await h.sandbox('create', '--dry-run', '-u', 'apache2.service', 'apache1');
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /whole\s+\/etc\/apache2\s/);
  assert.match(r.stdout, /entry\s+\/etc\/logrotate\.d\/apache2\s/);
  assert.match(r.stdout, /---\/etc\/systemd\/system\/apache2@apache1\.service---/);
  assert.match(r.stdout, /Label:\s+s0:c\d+,c\d+/);
  assert.is(await treeListing(h, STATE_DIRS), before);
});

test('create two sandboxes of apache2: trees, units, distinct labels; the vendor template is untouched', async () => {
  const vendor = await h.ok('sha256sum /lib/systemd/system/apache2@.service');
  for (const n of ['apache1', 'apache2']) {
    const r = await h.sandbox('create', '-u', 'apache2.service', n);
    assert.is(r.exitCode, 0, r.stderr);
  }
  assert.is(await h.ok('sha256sum /lib/systemd/system/apache2@.service'), vendor);
  await h.ok('test -f /etc/systemd/system/apache2@apache1.service && test -f /etc/systemd/system/apache2@apache1.service.d/50-sandbox.conf');
  // Debian enables modules with symlinks no package lists: they must be in the copy.
  const hostLinks = await h.ok('cd /etc/apache2/mods-enabled && for f in *; do echo "$f $(readlink $f)"; done');
  const treeLinks = await h.ok('cd /var/lib/sandbox/apache1/etc/apache2/mods-enabled && for f in *; do echo "$f $(readlink $f)"; done');
  assert.is(treeLinks, hostLinks);
  assert.is(await h.ok("stat -c '%U %G %a' /var/lib/sandbox/apache1/var/log/apache2"), await h.ok("stat -c '%U %G %a' /var/log/apache2"));
  const labels = JSON.parse((await h.sandbox('labels', '--json')).stdout) as { level: string; sandbox: string; onDisk: boolean }[];
  assert.is(labels.length, 2);
  assert.is.not(labels[0]!.level, labels[1]!.level);
  assert.ok(labels.every((l) => l.onDisk));
  const xattr = await h.ok('getfattr -h --only-values -n security.selinux /var/lib/sandbox/apache1/etc/apache2/apache2.conf');
  assert.match(xattr, new RegExp(`:s0:${labels.find((l) => l.sandbox === 'apache1')!.level.slice(3)}`));
});

test('both start, each serves its own page on port 80 in its own network namespace', async () => {
  await h.ok('echo one > /var/lib/sandbox/apache1/var/www/html/index.html; echo two > /var/lib/sandbox/apache2/var/www/html/index.html');
  const r = await h.sandbox('start', 'apache1', 'apache2');
  assert.is(r.exitCode, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Started apache2@apache1\.service \(active\)/);
  assert.is((await h.curlIn(await h.mainPid(A), 'http://127.0.0.1/')).stdout, 'one\n');
  assert.is((await h.curlIn(await h.mainPid(B), 'http://127.0.0.1/')).stdout, 'two\n');
});

test('isolation inside a running sandbox: /usr read-only, own /etc and /var, others hidden, private /tmp and network, label in the unit', async () => {
  const pid = await h.mainPid(A);
  const inside = (script: string) => h.exec(['nsenter', '-t', String(pid), '-m', '-n', 'sh', '-c', script]);
  // (a) /usr cannot be written
  const usr = await inside('touch /usr/sandbox-probe');
  assert.is.not(usr.exitCode, 0);
  assert.match(usr.stderr, /Read-only file system/);
  // (b) its own copy: writes land in the tree, the host's files are unchanged
  const hostIndex = await h.ok('sha256sum /var/www/html/index.html');
  assert.is((await inside('cat /var/www/html/index.html')).stdout, 'one\n');
  assert.is((await inside('echo written > /var/www/html/probe.txt')).exitCode, 0);
  assert.is(await h.ok('cat /var/lib/sandbox/apache1/var/www/html/probe.txt'), 'written\n');
  assert.is((await h.exec(['test', '-e', '/var/www/html/probe.txt'])).exitCode, 1);
  assert.is(await h.ok('sha256sum /var/www/html/index.html'), hostIndex);
  // (c) no other sandbox's tree
  assert.is((await inside('ls -A /var/lib/sandbox')).stdout, '');
  assert.is.not((await inside('cat /var/lib/sandbox/apache2/var/www/html/index.html')).exitCode, 0);
  // (d) a private /tmp
  await h.ok('echo host > /tmp/host-only');
  assert.is.not((await inside('cat /tmp/host-only')).exitCode, 0);
  // (e) only lo
  assert.is((await inside("ip -o link | awk -F': ' '{print $2}'")).stdout, 'lo\n');
  // (g) the unit carries the sandbox's context
  const record = await h.ok('cat /etc/sandbox/apache1.sandbox');
  const ctx = /processContext=(.*)/.exec(record)![1]!;
  assert.is((await h.ok(`systemctl show -p SELinuxContext --value ${A}`)).trim(), ctx);
});

test('the default profile holds the running service: capabilities, no_new_privs, seccomp, no host D-Bus; exposure ≤ 2.2 (vendor unit: above 9)', async () => {
  assert.match(await h.ok(`readlink /etc/systemd/system/${A}.d/40-profile.conf`), /\/units\/profiles\/default\.conf\n$/);
  const pid = await h.mainPid(A);
  const status = await h.ok(`grep -E '^(NoNewPrivs|Seccomp|CapBnd):' /proc/${pid}/status`);
  assert.match(status, /^NoNewPrivs:\s+1$/m);
  assert.match(status, /^Seccomp:\s+2$/m);
  const bnd = BigInt('0x' + /^CapBnd:\s+([0-9a-f]+)$/m.exec(status)![1]!);
  // CAP_SYS_ADMIN 21, CAP_SYS_MODULE 16, CAP_SYS_PTRACE 19, CAP_MKNOD 27, CAP_NET_ADMIN 12, CAP_BPF 39
  for (const bit of [21n, 16n, 19n, 27n, 12n, 39n]) assert.is((bnd >> bit) & 1n, 0n, `capability ${bit}`);
  // CAP_NET_BIND_SERVICE 10, CAP_SETUID 7: what apache needs
  for (const bit of [10n, 7n]) assert.is((bnd >> bit) & 1n, 1n, `capability ${bit}`);
  assert.is((await h.exec(['nsenter', '-t', String(pid), '-m', 'test', '-e', '/run/dbus/system_bus_socket'])).exitCode, 1);
  const level = (out: string) => Number(/Overall exposure level for \S+: (\d+\.\d)/.exec(out)![1]);
  const sandboxed = level(await h.ok(`systemd-analyze security --no-pager ${A}`));
  // 2.0 before the default profile allowed chroot(2) (issue 18: sshd, vsftpd, postfix, haproxy), which systemd-analyze counts against @privileged
  assert.ok(sandboxed <= 2.2, `exposure ${sandboxed}`);
  assert.ok(level(await h.ok('systemd-analyze security --no-pager apache2.service')) > 9, 'the vendor unit');
});

test("editing the sandbox's config changes the sandbox, not the host or the other sandbox", async () => {
  const hostPorts = await h.ok('sha256sum /etc/apache2/ports.conf');
  await h.ok('echo "Listen 8080" >> /var/lib/sandbox/apache1/etc/apache2/ports.conf');
  assert.is((await h.sandbox('restart', 'apache1')).exitCode, 0);
  assert.is((await h.curlIn(await h.mainPid(A), 'http://127.0.0.1:8080/')).stdout, 'one\n');
  assert.is.not((await h.curlIn(await h.mainPid(B), 'http://127.0.0.1:8080/')).exitCode, 0);
  assert.is(await h.ok('sha256sum /etc/apache2/ports.conf'), hostPorts);
});

test("the vendor's apache2@.service still works for a plain instance", async () => {
  await h.ok('cp -a /etc/apache2 /etc/apache2-plain && mkdir -p /var/log/apache2-plain && sed -i "s/^Listen 80$/Listen 8081/" /etc/apache2-plain/ports.conf && systemctl start apache2@plain.service');
  assert.is(await active('apache2@plain.service'), 'active');
  assert.match(await h.ok('curl -sS --max-time 5 http://127.0.0.1:8081/ | head -c 200'), /html/i);
  assert.match(await h.ok('systemctl show -p FragmentPath --value apache2@plain.service'), /^\/lib\/systemd\/system\/apache2@\.service/);
  await h.ok('systemctl stop apache2@plain.service');
});

test('systemctl reload apache2.service reaches both running sandboxes, with the host unit active and stopped', async () => {
  assert.is(await active('apache2.service'), 'active');
  const a0 = await reloads(A);
  const b0 = await reloads(B);
  assert.is((await h.exec(['systemctl', 'reload', 'apache2.service'])).exitCode, 0);
  assert.is(await eventually(() => reloads(A), a0 + 1), a0 + 1);
  assert.is(await eventually(() => reloads(B), b0 + 1), b0 + 1);
  await h.ok('systemctl stop apache2.service');
  const hostStopped = await h.exec(['systemctl', 'reload', 'apache2.service']);
  assert.is.not(hostStopped.exitCode, 0);
  assert.match(hostStopped.stderr, /not active, cannot reload/);
  assert.is(await eventually(() => reloads(A), a0 + 2), a0 + 2);
  assert.is(await eventually(() => reloads(B), b0 + 2), b0 + 2);
  const all = await h.sandbox('reload', '--all', 'apache2.service');
  assert.is(all.exitCode, 0, all.stdout + all.stderr);
  assert.is(await eventually(() => reloads(A), a0 + 3), a0 + 3);
  assert.is(await active(A), 'active');
});

test('list and status, as tables and as JSON', async () => {
  const list = JSON.parse((await h.sandbox('list', '--json')).stdout) as { name: string; state: string; label: string }[];
  assert.equal(list.map((s) => [s.name, s.state]), [['apache1', 'active'], ['apache2', 'active']]);
  assert.match((await h.sandbox('list')).stdout, /^NAME\s+STATE\s+ENABLED/);
  const st = JSON.parse((await h.sandbox('status', 'apache1', '--json')).stdout) as { state: string; label: string; units: { mainPid: number }[]; tree: string };
  assert.is(st.state, 'active');
  assert.is(st.units[0]!.mainPid, await h.mainPid(A));
  assert.is(st.tree, '/var/lib/sandbox/apache1');
  assert.match((await h.sandbox('status', 'apache1')).stdout, /Label: s0:c\d+,c\d+/);
});

test('enable, and the service target starts and stops every enabled sandbox', async () => {
  assert.is((await h.sandbox('enable', 'apache1', 'apache2')).exitCode, 0);
  assert.is((await h.exec(['systemctl', 'is-enabled', A])).stdout.trim(), 'enabled');
  const both = async () => [await active(A), await active(B)];
  await h.ok('systemctl stop apache2-sandboxes.target');
  assert.equal(await eventually(both, ['inactive', 'inactive']), ['inactive', 'inactive']);
  await h.ok('systemctl start apache2-sandboxes.target');
  assert.equal(await eventually(both, ['active', 'active']), ['active', 'active']);
  assert.is((await h.sandbox('stop', '--all', 'apache2.service')).exitCode, 0);
  assert.equal([await active(A), await active(B)], ['inactive', 'inactive']);
  assert.is((await h.sandbox('start', '--all', 'apache2.service')).exitCode, 0);
  assert.equal([await active(A), await active(B)], ['active', 'active']);
  assert.is((await h.sandbox('disable', 'apache2')).exitCode, 0);
  assert.is((await h.exec(['systemctl', 'is-enabled', B])).stdout.trim(), 'disabled');
});

test("logs: the service's output and the tool's own entries; journal fields", async () => {
  const logs = await h.sandbox('logs', 'apache1', '-n', '200');
  assert.is(logs.exitCode, 0);
  assert.match(logs.stdout, /sandbox apache1: Started apache2@apache1\.service/);
  assert.match(logs.stdout, /systemd\[1\]: (Started|Reloaded) apache2@apache1\.service/);
  const entries = (await h.ok('journalctl SANDBOX_NAME=apache1 -o json --no-pager'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, string>);
  const actions = entries.map((e) => e.SANDBOX_ACTION);
  for (const a of ['create', 'start', 'restart', 'enable']) assert.ok(actions.includes(a), `${a} in ${actions.join(',')}`);
  assert.ok(entries.every((e) => e.SANDBOX_UNIT === A && /^s0:c\d+,c\d+$/.test(e.SANDBOX_LABEL!)));
});

test('bad lifecycle input: an unknown sandbox, a unit file removed by hand', async () => {
  const unknown = await h.sandbox('start', 'nope');
  assert.is(unknown.exitCode, 3);
  assert.match(unknown.stderr, /no sandbox named 'nope'; 'sandbox list' shows/);
  await h.ok(`systemctl stop ${B} && rm /etc/systemd/system/${B} && systemctl daemon-reload`);
  const gone = await h.sandbox('start', 'apache2');
  assert.is(gone.exitCode, 1);
  assert.match(gone.stderr, /its unit file was removed\?.*sandbox delete apache2/);
});

test('delete refuses a running sandbox, --force stops and removes everything, the other one is untouched', async () => {
  const refused = await h.sandbox('delete', 'apache1');
  assert.is(refused.exitCode, 4);
  assert.match(refused.stderr, /is running/);
  assert.is(await active(A), 'active');
  const labelsBefore = JSON.parse((await h.sandbox('labels', '--json')).stdout) as { sandbox: string }[];
  assert.is(labelsBefore.length, 2);
  const del = await h.sandbox('delete', '--force', 'apache1');
  assert.is(del.exitCode, 0, del.stderr);
  for (const p of ['/var/lib/sandbox/apache1', `/etc/systemd/system/${A}`, `/etc/systemd/system/${A}.d`, '/etc/sandbox/apache1.sandbox']) {
    assert.is((await h.exec(['test', '-e', p])).exitCode, 1, `${p} still exists`);
  }
  // what is left of the name is the vendor's template, not ours
  assert.is((await h.ok(`systemctl show -p FragmentPath --value ${A}`)).trim(), '/lib/systemd/system/apache2@.service');
  const labelsAfter = JSON.parse((await h.sandbox('labels', '--json')).stdout) as { sandbox: string }[];
  assert.equal(labelsAfter.map((l) => l.sandbox), ['apache2']);
  // the broken one: delete still cleans up
  const broken = await h.sandbox('delete', 'apache2');
  assert.is(broken.exitCode, 0, broken.stderr);
  assert.is(await h.ok('ls -A /etc/sandbox'), '');
  assert.is(await h.ok('ls -A /etc/systemd/system | grep apache2 || true'), '');
  assert.is(await h.ok('ls -A /var/lib/sandbox | grep -v "^\\." || true'), '');
  assert.is(await h.ok('ls -A /var/lib/sandbox/.labels/held /var/lib/sandbox/.labels/pending /var/lib/sandbox/.labels/by-name'), '/var/lib/sandbox/.labels/by-name:\n\n/var/lib/sandbox/.labels/held:\n\n/var/lib/sandbox/.labels/pending:\n');
});

test.run();
