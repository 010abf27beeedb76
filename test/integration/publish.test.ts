// Published ports (issue 15) on the throwaway systemd host with two real
// apache2 sandboxes: a socket in the host's network namespace, a
// systemd-socket-proxyd that joins the sandbox's. Every answer is fetched from
// the host's side, each sandbox serving its own page.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootSandboxHost, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
const page = (n: string) => `/var/lib/sandbox/${n}/var/www/html/index.html`;
/** HTTP GET from the test host's own network namespace: the body, or '' with curl's exit status when nothing answered. */
async function get(port: number): Promise<{ body: string; rc: number }> {
  const r = await h.exec(['curl', '-sS', '--max-time', '5', `http://127.0.0.1:${port}/`]);
  return { body: r.stdout, rc: r.exitCode };
}
const json = async (...args: string[]) => {
  const r = await h.sandbox(...args);
  assert.is(r.exitCode, 0, r.stderr);
  return JSON.parse(r.stdout);
};
/** doctor's verdict on sandboxes and leftovers: 'ok' when each sandbox is whole and nothing is left over. */
async function consistency(): Promise<string> {
  const doc = await h.sandbox('doctor', '--json');
  const report = JSON.parse(doc.stdout) as { checks: { name: string; status: string; detail: string }[] };
  const c = report.checks.find((x) => x.name === 'consistency');
  return c ? c.status : `no consistency check: ${JSON.stringify(report.checks.filter((x) => x.status !== 'ok'))}`;
}
const publishFiles = async () => (await h.ok('ls -d /etc/systemd/system/sandbox-publish* /etc/systemd/system/apache2@*.service.d/60-publish.conf 2>/dev/null || true')).trim();

test.before(async () => {
  h = await bootSandboxHost('publish-test');
  await h.ok('systemctl stop apache2.service || true');
});
test.after(async () => {
  await h?.stop();
});

test('create --publish: two sandboxes of one service on two host ports, each answering with its own page', async () => {
  for (const [n, port] of [['web1', 8081], ['web2', 8082]] as const) {
    const c = await h.sandbox('create', '-u', 'apache2.service', '--publish', `${port}:80`, n);
    assert.is(c.exitCode, 0, c.stderr);
    await h.ok(`echo "page of ${n}" > ${page(n)}`);
  }
  const s = await h.sandbox('start', 'web1', 'web2');
  assert.is(s.exitCode, 0, s.stderr);
  assert.is((await get(8081)).body, 'page of web1\n');
  assert.is((await get(8082)).body, 'page of web2\n');
  assert.equal((await json('status', '--json', 'web1')).published, ['8081:80']);
  assert.equal((await json('list', '--json')).map((r: { name: string; published: string[] }) => [r.name, r.published]), [['web1', ['8081:80']], ['web2', ['8082:80']]]);
  // the proxy runs in the sandbox's network namespace, not the host's
  const proxy = await h.mainPid('sandbox-publish@web1:8081.service');
  const sandbox = await h.mainPid('apache2@web1.service');
  assert.ok(proxy > 0, 'the proxy runs');
  assert.is((await h.ok(`readlink /proc/${proxy}/ns/net`)).trim(), (await h.ok(`readlink /proc/${sandbox}/ns/net`)).trim());
  // published ports' files are the sandboxes' own, not leftovers
  assert.is(await consistency(), 'ok');
});

test('a host port held by another sandbox or by a host process is refused at create, naming the holder, nothing written', async () => {
  const taken = await h.sandbox('create', '-u', 'apache2.service', '-p', '8081:80', 'web3');
  assert.is(taken.exitCode, 4);
  assert.is(taken.stderr, 'sandbox: host port 8081 is published by sandbox web1 (8081:80)\n');
  await h.ok('systemd-run -q --unit=hostlistener python3 -m http.server --bind 127.0.0.1 8090 && for i in $(seq 50); do ss -Hltn | grep -q ":8090 " && exit 0; sleep 0.1; done; exit 1');
  const busy = await h.sandbox('create', '-u', 'apache2.service', '-p', '8090:80', 'web3');
  assert.is(busy.exitCode, 4);
  assert.match(busy.stderr, /^sandbox: host port 8090 is in use by python3 \(pid \d+\) \(listening on 127\.0\.0\.1:8090\)\n$/);
  assert.is((await h.exec(['test', '-e', '/var/lib/sandbox/web3'])).exitCode, 1);
  assert.is((await h.exec(['test', '-e', '/etc/sandbox/web3.sandbox'])).exitCode, 1);
  const udp = await h.sandbox('create', '-u', 'apache2.service', '-p', '5353:53/udp', 'web3');
  assert.is(udp.exitCode, 2);
  assert.match(udp.stderr, /only TCP can be published/);
});

test('the port accepts only while its sandbox runs: stop closes it, start opens it again', async () => {
  const stop = await h.sandbox('stop', 'web1');
  assert.is(stop.exitCode, 0, stop.stderr);
  assert.is.not((await get(8081)).rc, 0, 'port 8081 still answers with web1 stopped');
  assert.is((await h.exec(['systemctl', 'is-active', 'sandbox-publish@web1:8081.socket'])).stdout.trim(), 'inactive');
  assert.is((await get(8082)).body, 'page of web2\n', 'the other sandbox is untouched');
  const start = await h.sandbox('start', 'web1');
  assert.is(start.exitCode, 0, start.stderr);
  assert.is((await get(8081)).body, 'page of web1\n');
});

test('publish and unpublish on a running sandbox act at once and are recorded', async () => {
  const add = await h.sandbox('publish', 'web2', '127.0.0.1:8083:80');
  assert.is(add.exitCode, 0, add.stderr);
  assert.is((await get(8083)).body, 'page of web2\n');
  const dup = await h.sandbox('publish', 'web2', '8083:80');
  assert.is(dup.exitCode, 4, dup.stderr);
  const rm = await h.sandbox('unpublish', 'web2', '8082:80');
  assert.is(rm.exitCode, 0, rm.stderr);
  assert.is.not((await get(8082)).rc, 0, 'port 8082 still answers');
  assert.is((await get(8083)).body, 'page of web2\n');
  assert.equal((await json('status', '--json', 'web2')).published, ['127.0.0.1:8083:80']);
  assert.match(await h.ok('cat /etc/sandbox/web2.sandbox'), /^publish=127\.0\.0\.1:8083:80$/m);
  assert.is((await h.exec(['test', '-e', '/etc/systemd/system/sandbox-publish@web2:8082.socket.d'])).exitCode, 1);
  const missing = await h.sandbox('unpublish', 'web2', '9999:80');
  assert.is(missing.exitCode, 3);
});

test('delete takes every published port with it; doctor finds nothing left', async () => {
  const d = await h.sandbox('delete', '--force', 'web1', 'web2');
  assert.is(d.exitCode, 0, d.stderr);
  assert.is(await publishFiles(), '');
  assert.is.not((await get(8083)).rc, 0);
  assert.is(await consistency(), 'ok');
});

test.run();
