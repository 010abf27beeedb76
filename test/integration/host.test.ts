// The throwaway systemd host (test/host/): it boots a real systemd with a
// system bus, runs units, and leaves the machine as it found it, even when the
// process that booted it is killed.
import { spawn } from 'node:child_process';
import { existsSync, readlinkSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dbus from 'dbus-next';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listHostCgroups, reapStaleHosts } from '../host/cgroup.js';
import { diffSnapshots, mountTable, pidsInNamespace, skipFromEnv, snapshotHost } from '../host/host-snapshot.js';
import { bootHost, findProjectDir, type TestHost } from '../host/throwaway-host.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectDir = findProjectDir();
let host: TestHost | undefined;

test.after(async () => {
  await host?.stop();
});

test('boots systemd as PID 1 with a system bus', async () => {
  const t0 = Date.now();
  host = await bootHost({ name: 'host-test' });
  console.log(`  booted in ${Date.now() - t0} ms`);
  const state = await host.exec(['systemctl', 'is-system-running']);
  assert.ok(['running\n', 'degraded\n'].includes(state.stdout), `is-system-running: ${state.stdout}${state.stderr}`);
  assert.is((await host.exec(['cat', '/proc/1/comm'])).stdout, 'systemd\n');
  assert.is(host.rootPath, `/proc/${host.pid}/root`);
  assert.ok(statSync(`${host.rootPath}/run/dbus/system_bus_socket`).isSocket());
  assert.is(host.busAddress, `unix:path=/proc/${host.pid}/root/run/dbus/system_bus_socket`);
});

test('its system bus answers from outside at busAddress', async () => {
  const bus = dbus.sessionBus({ busAddress: host!.busAddress });
  bus.on('error', () => {}); // reported through the call below instead
  try {
    const call = (async () => {
      const obj = await bus.getProxyObject('org.freedesktop.systemd1', '/org/freedesktop/systemd1');
      const props = obj.getInterface('org.freedesktop.DBus.Properties');
      return (await props.Get('org.freedesktop.systemd1.Manager', 'Version')) as { value: string };
    })();
    // dbus-next calls never time out by themselves
    const version = await Promise.race([call, new Promise<never>((_, no) => setTimeout(() => no(new Error('D-Bus call timed out')), 10_000))]);
    assert.match(version.value, /^\d+/);
  } finally {
    bus.disconnect();
  }
});

test('runs the node that runs the tests, with the checkout read-only at its own path', async () => {
  const h = host!;
  assert.is((await h.exec(['node', '-e', 'process.stdout.write(process.version)'])).stdout, process.version);
  assert.is((await h.exec(['test', '-f', path.join(projectDir, 'package.json')])).exitCode, 0);
  const write = await h.exec(['touch', path.join(projectDir, '.host-test-write')]);
  assert.is.not(write.exitCode, 0);
  assert.match(write.stderr, /Read-only file system/);
  // input and env reach the command
  const echo = await h.sh('cat; echo "$GREETING"', { input: 'in\n', env: { GREETING: 'hi' } });
  assert.is(echo.stdout, 'in\nhi\n');
});

test('exec() kills a command that outlives timeoutMs and throws', async () => {
  const t0 = Date.now();
  const late = await host!.exec(['sleep', '30'], { timeoutMs: 300 }).catch((e: Error) => e);
  assert.instance(late, Error);
  assert.match((late as Error).message, /timed out after 300 ms/);
  assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  assert.is((await host!.exec(['pgrep', '-x', 'sleep'])).exitCode, 1, 'the sleep is gone');
});

test('starts units: a good one becomes active, a failing one failed, an unknown one is an error', async () => {
  const h = host!;
  const units = await h.sh(`
    printf '[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=/bin/true\\n' > /etc/systemd/system/ok-test.service
    printf '[Service]\\nType=oneshot\\nExecStart=/bin/false\\n' > /etc/systemd/system/fail-test.service
    systemctl daemon-reload`);
  assert.is(units.exitCode, 0, units.stderr);

  const ok = await h.exec(['systemctl', 'start', 'ok-test.service']);
  assert.is(ok.exitCode, 0, ok.stderr);
  assert.is((await h.exec(['systemctl', 'is-active', 'ok-test.service'])).stdout, 'active\n');

  const fail = await h.exec(['systemctl', 'start', 'fail-test.service']);
  assert.is.not(fail.exitCode, 0);
  assert.match(fail.stderr, /fail-test\.service failed/);
  assert.is((await h.exec(['systemctl', 'is-failed', 'fail-test.service'])).stdout, 'failed\n');

  const unknown = await h.exec(['systemctl', 'start', 'no-such-unit-here.service']);
  assert.is(unknown.exitCode, 5); // systemctl: "unit not found"
  assert.match(unknown.stderr, /not found/);

  // the unit files went to the overlay, not to the machine's /etc
  assert.ok(existsSync(`${h.rootPath}/etc/systemd/system/ok-test.service`));
  assert.not.ok(existsSync('/etc/systemd/system/ok-test.service'));
});

test('stop() ends systemd and everything in its namespaces, and is idempotent', async () => {
  const h = host!;
  const pidNs = readlinkSync(`/proc/${h.pid}/ns/pid`);
  const mntNs = readlinkSync(`/proc/${h.pid}/ns/mnt`);
  const running = h.exec(['sleep', '600']);
  const t0 = Date.now();
  await h.stop();
  console.log(`  stopped in ${Date.now() - t0} ms`);
  // a command still running must not hold up the halt (systemd-shutdown waited 10 s for one)
  assert.ok(Date.now() - t0 < 5000, `stop took ${Date.now() - t0} ms`);
  assert.is((await running).exitCode, 137);
  await h.stop();
  assert.not.ok(existsSync(`/proc/${h.pid}`), 'systemd is gone');
  assert.equal(pidsInNamespace('pid', pidNs), []);
  assert.equal(pidsInNamespace('mnt', mntNs), []);
  assert.not.ok(existsSync(h.cgroupPath), 'its cgroup is removed');
  const late = await h.exec(['true']).catch((e: Error) => e);
  assert.instance(late, Error);
});

test('leaves /tmp, /run, /etc, /dev, the mount table and the cgroups as they were', async () => {
  // A month-old file in the machine's /tmp: what systemd-tmpfiles --clean
  // deletes first, were it ever to see the machine's /tmp.
  const canary = `/tmp/host-test-canary.${process.pid}`;
  writeFileSync(canary, 'canary\n');
  const monthAgo = new Date(Date.now() - 30 * 86400_000);
  utimesSync(canary, monthAgo, monthAgo);
  const canaryMtime = statSync(canary).mtimeMs; // as stored, not as set: mtimeMs is a float
  try {
    const dirs = ['/tmp', '/run', '/etc', '/dev'];
    const before = snapshotHost(dirs, skipFromEnv());
    const h = await bootHost({ name: 'host-test-clean' });
    const pidNs = readlinkSync(`/proc/${h.pid}/ns/pid`);
    // What hit the machine when systemd once ran on its real root: tmpfiles
    // cleaning /tmp; and plain writes that must stay in the overlay.
    const r = await h.sh(`
      systemd-tmpfiles --create --remove --clean
      echo x > /etc/host-test-marker && echo x > /tmp/host-test-marker && echo x > /run/host-test-marker
      systemctl restart dbus.service`);
    assert.is(r.exitCode, 0, r.stderr);
    await h.stop();
    const after = snapshotHost(dirs, skipFromEnv());

    assert.is(statSync(canary).mtimeMs, canaryMtime, 'the canary in /tmp is untouched');
    const diff = diffSnapshots(before, after);
    if (diff.length) console.log('  if another process changed these meanwhile, list their prefixes in TESTHOST_SNAPSHOT_SKIP');
    assert.equal(diff, []);
    assert.equal(pidsInNamespace('pid', pidNs), []);
    assert.equal(listHostCgroups(process.pid), [], 'no cgroup of ours is left');
  } finally {
    unlinkSync(canary);
  }
});

test('a boot that does not finish in time throws with the state and cleans up', async () => {
  const err = await bootHost({ name: 'host-test-slow', timeoutMs: 200 }).catch((e: Error) => e);
  assert.instance(err, Error);
  assert.match((err as Error).message, /did not boot within 200 ms: last state '[^']+'/);
  assert.match((err as Error).message, /systemctl --failed:/);
  assert.equal(listHostCgroups(process.pid), []);
});

test('dies with the process that booted it (SIGKILL), leaving no mounts', async () => {
  const mountsBefore = mountTable();
  const child = spawn(process.execPath, [path.join(here, '../host/boot-and-wait.js'), 'host-test-crash'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const info = await new Promise<{ pid: number; cgroupPath: string; pidNs: string; mntNs: string }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
    });
    child.on('exit', (code) => reject(new Error(`boot-and-wait exited ${code} before booting`)));
  });
  assert.ok(existsSync(`/proc/${info.pid}`));

  child.kill('SIGKILL');
  const t0 = Date.now();
  let gone = false;
  while (!gone && Date.now() - t0 < 10_000) {
    await new Promise((r) => setTimeout(r, 50));
    gone = pidsInNamespace('pid', info.pidNs).length === 0 && pidsInNamespace('mnt', info.mntNs).length === 0;
  }
  console.log(`  gone ${Date.now() - t0} ms after SIGKILL`);
  assert.ok(gone, `processes left in the test host's namespaces: ${pidsInNamespace('pid', info.pidNs).join(' ')}`);
  assert.not.ok(existsSync(`/proc/${info.pid}`));
  assert.equal(mountTable().sort(), mountsBefore.sort());

  // Only the (empty) cgroup outlives it; the next boot, or this, removes it
  // (once the dead harness is reaped: a cgroup whose owner still exists is left alone).
  if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
  assert.ok((await reapStaleHosts()).includes(info.cgroupPath));
  assert.not.ok(existsSync(info.cgroupPath));
});

test.run();
