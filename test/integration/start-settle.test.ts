// Issue 18, seen with real services on the throwaway host: `start` reports what
// systemd reports a moment later (a daemon that dies right after its start job
// is a failure, with its journal lines), and $RUNTIME_DIRECTORY inside a
// sandbox names a directory that exists there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootSandboxHost, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;

test.before(async () => {
  h = await bootSandboxHost('settle-test');
});
test.after(async () => {
  await h?.stop();
});

test('a service that dies right after its start job: start fails (exit 1) with what systemd says and its last journal lines', async () => {
  assert.is((await h.sandbox('create', '-u', 'tinyproxy.service', 'dies')).exitCode, 0);
  // An admin's mistake in the sandbox's own copy: tinyproxy (Type=simple) starts, reads it and exits.
  await h.ok("echo 'Port not-a-number' >> /var/lib/sandbox/dies/etc/tinyproxy/tinyproxy.conf");
  const r = await h.sandbox('start', 'dies');
  assert.is(r.exitCode, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^Failed to start tinyproxy@dies\.service: the start job finished, but within 2\.5 s the unit was (failed\/failed|inactive\/dead|activating\/auto-restart)$/m);
  assert.not.match(r.stdout, /Started tinyproxy@dies/);
  assert.match(r.stdout, /^ {4}.*tinyproxy/m);
  assert.is.not((await h.exec(['systemctl', 'is-active', 'tinyproxy@dies.service'])).stdout.trim(), 'active');
  const d = await h.sandbox('delete', '--force', 'dies');
  assert.is(d.exitCode, 0, d.stderr);
});

test('$RUNTIME_DIRECTORY of a running sandbox is /run/squid, which exists inside it (not /run/sandbox/NAME/…)', async () => {
  assert.is((await h.sandbox('create', '-u', 'squid.service', 'env1')).exitCode, 0);
  const r = await h.sandbox('start', 'env1');
  assert.is(r.exitCode, 0, r.stdout + r.stderr);
  // squid's master keeps its environment block (sshd overwrites it with its process title)
  const pid = await h.mainPid('squid@env1.service');
  const env = (await h.ok(`tr '\\0' '\\n' < /proc/${pid}/environ`)).split('\n');
  assert.equal(env.filter((l) => l.startsWith('RUNTIME_DIRECTORY=')), ['RUNTIME_DIRECTORY=/run/squid']);
  assert.is((await h.exec(['nsenter', '-t', String(pid), '-m', 'test', '-d', '/run/squid'])).exitCode, 0);
  const d = await h.sandbox('delete', '--force', 'env1');
  assert.is(d.exitCode, 0, d.stderr);
  assert.match(d.stderr + d.stdout, /Stopping squid@env1\.service: waiting for it to stop \(up to \d+ s, its TimeoutStopSec=, then systemd kills it\)/);
});

test.run();
