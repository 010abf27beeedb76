// sandbox exec and sandbox shell (issue 15) on the throwaway systemd host,
// with a real apache2 sandbox. What the command saw is checked against what
// the host sees from outside: the tree's file, the service's /tmp and
// network, its bounding set and cgroup, a process that must end with it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLI, bootSandboxHost, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
const exec = (args: string[], input?: string) => h.exec(['node', CLI, ...args], input === undefined ? {} : { input });
const UNIT = 'apache2@web1.service';

test.before(async () => {
  h = await bootSandboxHost('exec-test');
  await h.ok('systemctl stop apache2.service || true');
  const c = await h.sandbox('create', '-u', 'apache2.service', 'web1');
  assert.is(c.exitCode, 0, c.stderr);
  const s = await h.sandbox('start', 'web1');
  assert.is(s.exitCode, 0, s.stderr);
  await h.ok('echo "# exec-marker-in-the-tree" >> /var/lib/sandbox/web1/etc/apache2/ports.conf');
});
test.after(async () => {
  await h?.stop();
});

test("the command sees the sandbox's tree over the host paths, runs as root, exit status and stdin pass through", async () => {
  const cat = await exec(['exec', 'web1', '--', 'cat', '/etc/apache2/ports.conf']);
  assert.is(cat.exitCode, 0, cat.stderr);
  assert.match(cat.stdout, /# exec-marker-in-the-tree/);
  assert.not.match(await h.ok('cat /etc/apache2/ports.conf'), /exec-marker/);
  const id = await exec(['exec', 'web1', '--', 'id', '-u']);
  assert.is(id.stdout, '0\n', id.stderr);
  const status = await exec(['exec', 'web1', '--', 'sh', '-c', 'exit 7']);
  assert.is(status.exitCode, 7, status.stderr);
  assert.is(status.stderr, '');
  const echo = await exec(['exec', 'web1', '--', 'cat'], 'through stdin\n');
  assert.is(echo.stdout, 'through stdin\n');
});

test("its /tmp and network are the service's: a file it writes is in the service's /tmp, not the host's; apache answers on its lo", async () => {
  const w = await exec(['exec', 'web1', '--', 'sh', '-c', 'echo from-exec > /tmp/exec-marker']);
  assert.is(w.exitCode, 0, w.stderr);
  const pid = await h.mainPid(UNIT);
  assert.is((await h.ok(`cat /proc/${pid}/root/tmp/exec-marker`)).trim(), 'from-exec');
  assert.is((await h.exec(['test', '-e', '/tmp/exec-marker'])).exitCode, 1, "the host's /tmp has it");
  const dev = await exec(['exec', 'web1', '--', 'cat', '/proc/net/dev']);
  const ifaces = dev.stdout.split('\n').slice(2).filter(Boolean).map((l) => l.split(':')[0]!.trim());
  assert.equal(ifaces, ['lo'], dev.stdout);
  const curl = await exec(['exec', 'web1', '--', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://127.0.0.1/']);
  assert.is(curl.stdout, '200', curl.stderr);
});

test("at most the service's bounding set, no_new_privs, in the unit's cgroup, and a Landlock domain (no /proc/PID/root of a host process)", async () => {
  const pid = await h.mainPid(UNIT);
  const outside = /^CapBnd:\s*(\S+)$/m.exec(await h.ok(`cat /proc/${pid}/status`))![1];
  const st = await exec(['exec', 'web1', '--', 'cat', '/proc/self/status']);
  assert.is(/^CapBnd:\s*(\S+)$/m.exec(st.stdout)?.[1], outside);
  assert.match(st.stdout, /^NoNewPrivs:\s*1$/m);
  const cg = await exec(['exec', 'web1', '--', 'cat', '/proc/self/cgroup']);
  assert.match(cg.stdout, /\/apache2@web1\.service$/m);
  const root = await exec(['exec', 'web1', '--', 'ls', '/proc/1/root/']);
  assert.is.not(root.exitCode, 0, root.stdout);
  assert.match(root.stderr, /Permission denied/);
});

test('--user runs as a user of the sandbox; an unknown user is exit 3 with one line', async () => {
  const want = (await h.ok('id -u www-data')).trim();
  const r = await exec(['exec', '--user', 'www-data', 'web1', '--', 'id', '-u']);
  assert.is(r.stdout.trim(), want, r.stderr);
  const groups = await exec(['exec', '--user', 'www-data', 'web1', '--', 'id', '-G']);
  assert.is(groups.stdout, await h.ok('id -G www-data'), groups.stderr);
  const bad = await exec(['exec', '--user', 'nosuchuser', 'web1', '--', 'id']);
  assert.is(bad.exitCode, 3);
  assert.is(bad.stderr, "sandbox: sandbox web1 has no user 'nosuchuser'\n");
});

test('without a terminal stdout and stderr come apart and whole; exec returns when the command does, whatever holds stdin or stdout', async () => {
  const apart = await exec(['exec', 'web1', '--', 'sh', '-c', 'printf out; printf err >&2; exit 3']);
  assert.equal([apart.exitCode, apart.stdout, apart.stderr], [3, 'out', 'err']);
  // 5 MB through the relay, counted on the host's side of the pipe
  const big = await h.ok(`node ${CLI} exec web1 -- head -c 5000000 /dev/zero | wc -c`);
  assert.is(big.trim(), '5000000');
  // the caller's stdin stays open and silent: the command's exit ends exec all the same (timeout says 124 otherwise)
  const open = await h.exec(['sh', '-c', `sleep 60 | timeout 30 node ${CLI} exec web1 -- true; echo "rc=$?"`]);
  assert.match(open.stdout, /rc=0\n$/, open.stderr);
  // a process left behind holds stdout open: exec still returns, with what the command wrote
  const held = await h.exec(['sh', '-c', `timeout 30 node ${CLI} exec web1 -- sh -c 'sleep 60 & echo started'; echo "rc=$?"`]);
  assert.match(held.stdout, /^started\nrc=0\n$/, held.stderr);
});

test('-t gives the command a terminal of its own; shell reads commands and passes its exit status', async () => {
  const t = await exec(['exec', '-t', 'web1', '--', 'sh', '-c', 'test -t 0 && tty']);
  assert.is(t.exitCode, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /^\/dev\/pts\/\d+/);
  const sh = await exec(['shell', 'web1'], 'id -u\ncat /etc/apache2/ports.conf | tail -n 1\nexit 5\n');
  assert.is(sh.exitCode, 5, sh.stderr);
  assert.match(sh.stdout, /^0\n# exec-marker-in-the-tree\n$/m);
});

test('shell under a pseudo-terminal (script): a terminal of its own inside, a command run, its exit status back', async () => {
  // script(1) gives sandbox a terminal on stdin, as an admin's login has: shell then relays a new one into the sandbox.
  const r = await h.exec(['script', '-qec', `node ${CLI} shell web1`, '/dev/null'], { input: 'tty; id -u; exit 6\n' });
  assert.is(r.exitCode, 6, r.stdout + r.stderr);
  assert.match(r.stdout, /\/dev\/pts\/\d+\r?\n0\r?\n/);
});

test("a signal sent to exec reaches the command and its handler; a command a signal ends exits 128+N", async () => {
  const r = await h.exec(['sh', '-c', `node ${CLI} exec web1 -- sh -c 'trap "echo got-term; exit 9" TERM; echo ready; while :; do sleep 0.1; done' > /tmp/sig.out 2>&1 & p=$!
    n=0; until grep -q ready /tmp/sig.out || [ $n -gt 300 ]; do sleep 0.1; n=$((n+1)); done
    kill -TERM $p; wait $p; echo "rc=$?"; cat /tmp/sig.out`]);
  // The signal goes to the command's process group, as a terminal's ^C does: sh also reports its sleep "Terminated".
  assert.match(r.stdout, /^rc=9\nready\n(Terminated\n)?got-term\n$/, r.stderr);
  const killed = await exec(['exec', 'web1', '--', 'sh', '-c', 'kill -KILL $$']);
  assert.is(killed.exitCode, 137, killed.stderr);
});

test("a trusted sandbox that mounts its own programs over the tools exec could run gets nothing: only the command runs in its view, with the service's bounding set and no_new_privs; the user lookup runs as nobody", async () => {
  const c = await h.sandbox('create', '--profile', 'trusted', '-u', 'apache2.service', 'tr1');
  assert.is(c.exitCode, 0, c.stderr);
  assert.is((await h.sandbox('start', 'tr1')).exitCode, 0);
  const pid = await h.mainPid('apache2@tr1.service');
  // What the service's root can do under the trusted profile (CAP_SYS_ADMIN, no seccomp filter): bind a program of its
  // own over tools in its mount namespace. Done here from outside with nsenter into that namespace, as the service would.
  await h.ok(`nsenter -t ${pid} -m sh -c 'printf "#!/bin/sh\\ncat /proc/self/status /proc/self/environ > /tmp/ran-\\$(basename \\$0)\\n" > /tmp/spy && chmod +x /tmp/spy &&
    for t in setpriv nsenter setsid env getent id; do mount --bind /tmp/spy /usr/bin/$t; done'`);
  const ran = async (tool: string) => (await h.exec(['cat', `/proc/${pid}/root/tmp/ran-${tool}`])).stdout;
  // (with a secret in the admin's environment: none of it reaches the sandbox's code)
  const r = await h.exec(['env', 'ADMIN_SECRET=do-not-leak', 'node', CLI, 'exec', 'tr1', '--', 'id', '-u']);
  assert.is(r.exitCode, 0, r.stderr);
  for (const tool of ['setpriv', 'nsenter', 'setsid', 'env']) assert.is(await ran(tool), '', `${tool} of the sandbox's view ran`);
  const status = await ran('id');
  const bnd = /^CapBnd:\s*(\S+)$/m.exec(await h.ok(`cat /proc/${pid}/status`))![1];
  assert.match(status, new RegExp(`^CapEff:\\s*${bnd}$`, 'm'), status);
  assert.match(status, new RegExp(`^CapBnd:\\s*${bnd}$`, 'm'));
  assert.match(status, /^NoNewPrivs:\s*1$/m);
  assert.match(status, /^CapInh:\s*0+$/m);
  // --user: the sandbox's getent is its code too: it runs as nobody, without capabilities
  const u = await h.exec(['env', 'ADMIN_SECRET=do-not-leak', 'node', CLI, 'exec', '--user', 'www-data', 'tr1', '--', 'true']);
  assert.is.not(u.exitCode, 0);
  const lookup = await ran('getent');
  assert.match(lookup, /^Uid:\s*65534\s+65534\s+65534\s+65534$/m, lookup);
  assert.match(lookup, /^CapEff:\s*0+$/m);
  assert.match(lookup, /^NoNewPrivs:\s*1$/m);
  assert.not.match(lookup, /ADMIN_SECRET/, lookup);
  assert.not.match(status, /ADMIN_SECRET/);
  assert.is((await h.sandbox('delete', '--force', 'tr1')).exitCode, 0);
});

test("a process the command leaves behind ends with the sandbox's stop", async () => {
  const r = await exec(['exec', 'web1', '--', 'sh', '-c', 'sleep 600 > /dev/null 2>&1 & echo $!']);
  const pid = r.stdout.trim();
  assert.match(pid, /^\d+$/, r.stderr);
  assert.is((await h.exec(['kill', '-0', pid])).exitCode, 0, 'the leftover runs');
  const s = await h.sandbox('stop', 'web1');
  assert.is(s.exitCode, 0, s.stderr);
  assert.is.not((await h.exec(['kill', '-0', pid])).exitCode, 0, `pid ${pid} outlived sandbox stop`);
});

test('a stopped sandbox (4), an unknown one (3), no command (2), a missing command (127): one line each', async () => {
  const stopped = await exec(['exec', 'web1', '--', 'true']);
  assert.is(stopped.exitCode, 4);
  assert.match(stopped.stderr, /^sandbox: sandbox web1 is not running \(apache2@web1\.service is inactive\); start it with: sandbox start web1\n$/);
  const unknown = await exec(['exec', 'nosuch', '--', 'true']);
  assert.is(unknown.exitCode, 3);
  assert.is(unknown.stderr.split('\n').filter(Boolean).length, 1, unknown.stderr);
  const s = await h.sandbox('start', 'web1');
  assert.is(s.exitCode, 0, s.stderr);
  const none = await exec(['exec', 'web1']);
  assert.is(none.exitCode, 2);
  const missing = await exec(['exec', 'web1', '--', '/usr/bin/no-such-command']);
  assert.is(missing.exitCode, 127);
  assert.is(missing.stderr, 'sandbox-enter: cannot run /usr/bin/no-such-command: No such file or directory\n');
});

test.run();
