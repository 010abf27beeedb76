// `sandbox clone` (issue 16) on the throwaway systemd host with Debian's
// apache2: a clone of a running sandbox, serving its own copy beside its
// source, with a label of its own on every entry and in its unit; the source
// keeps running and is not changed; a SIGKILL during clone leaves no clone or
// a whole one; bad input is one line, its exit code, nothing written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { findProjectDir } from '../host/throwaway-host.js';
import { CLI, bootSandboxHost, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
const RACER = path.join(findProjectDir(), 'test/integration/fixtures/racer.py');
const STATE_DIRS = ['/etc/systemd/system', '/etc/sandbox', '/var/lib/sandbox'];
const unit = (n: string) => `apache2@${n}.service`;
const tree = (n: string) => `/var/lib/sandbox/${n}`;
const page = (n: string) => `${tree(n)}/var/www/html/index.html`;
const active = async (u: string) => (await h.exec(['systemctl', 'is-active', u])).stdout.trim();
const recordValue = async (n: string, key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(await h.ok(`cat /etc/sandbox/${n}.sandbox`))?.[1];

/** Every entry of a tree (the top included) → its security.selinux label ('' when it has none), by path inside the tree. */
async function labels(n: string): Promise<Map<string, string>> {
  const script = `cd ${tree(n)} && find . -print0 | sort -z | while IFS= read -r -d '' f; do printf '%s\\t' "$f"; getfattr -h --only-values -n security.selinux "$f" 2>/dev/null | tr -d '\\0'; echo; done`;
  const out = new Map<string, string>();
  const r = await h.exec(['bash', '-c', script]);
  assert.is(r.exitCode, 0, r.stderr);
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [f, l] = line.split('\t');
    out.set(f!, l ?? '');
  }
  return out;
}

/** The source's state a clone must not change: record, units, manifest, and its tree (the logs the running service writes left out). */
async function sourceState(n: string): Promise<string> {
  const files = await h.ok(`sha256sum /etc/sandbox/${n}.sandbox /var/lib/sandbox/.manifests/${n} /etc/systemd/system/${unit(n)} /etc/systemd/system/${unit(n)}.d/*`);
  const listing = await h.ok(`cd ${tree(n)} && find . -path ./var/log -prune -o -printf '%p %y %m %U:%G %s %T@\\n' | sort`);
  const xattrs = await h.ok(`cd ${tree(n)} && find . -path ./var/log -prune -o -print0 | sort -z | xargs -0 getfattr -h -d -m - -e hex 2>/dev/null`);
  return files + listing + xattrs;
}

/** Every entry of the state, config and unit directories (with a file's size and time; a directory's time changes with what was added and taken away again). */
async function written(): Promise<string> {
  return h.ok(`find ${STATE_DIRS.join(' ')} -xdev \\( -type d -printf '%p d %m\\n' \\) -o -printf '%p %y %m %s %T@\\n' | sort`);
}

/** doctor's consistency check: 'ok' when each sandbox is whole and nothing is left over. */
async function consistency(): Promise<string> {
  const report = JSON.parse((await h.sandbox('doctor', '--json')).stdout) as { checks: { name: string; status: string; detail: string }[] };
  const c = report.checks.find((x) => x.name === 'consistency');
  return c ? `${c.status}${c.status === 'ok' ? '' : `: ${c.detail}`}` : 'no consistency check';
}

test.before(async () => {
  h = await bootSandboxHost('clone-test');
  await h.ok('systemctl stop apache2.service || true');
  const c = await h.sandbox('create', '-u', 'apache2.service', '--memory', '256M', '--profile', 'strict', '-p', '8090:80', 'web1');
  assert.is(c.exitCode, 0, c.stderr);
  await h.ok(`echo one > ${page('web1')}`);
  assert.is((await h.sandbox('start', 'web1')).exitCode, 0);
});
test.after(async () => {
  await h?.stop();
});

test('bad input: one line, its exit code (README "Exit codes"), nothing written', async () => {
  const before = await written();
  const cases: [string[], number, RegExp][] = [
    [['clone', 'nosuch', 'web9'], 3, /^sandbox: no sandbox named 'nosuch'/],
    [['clone', 'web1', 'web1'], 2, /under another name/],
    [['clone', 'web1', 'bad..name'], 2, /'bad\.\.name' is not a valid sandbox name/],
    [['clone', 'web1', 'a/b'], 2, /'a\/b' is not a valid sandbox name/],
  ];
  for (const [args, code, message] of cases) {
    const r = await h.sandbox(...args);
    assert.is(r.exitCode, code, `${args.join(' ')}: ${r.stderr}`);
    const last = r.stderr.trim().split('\n').pop()!;
    assert.match(last, message);
    if (code !== 2) assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.is(await written(), before);
  // NEW exists (a whole sandbox of another service name would do as well)
  const c = await h.sandbox('create', '-u', 'apache2.service', 'taken');
  assert.is(c.exitCode, 0, c.stderr);
  const mid = await written();
  const exists = await h.sandbox('clone', 'web1', 'taken');
  assert.is(exists.exitCode, 4, exists.stderr);
  assert.is(exists.stderr, "sandbox: sandbox 'taken' already exists\n");
  assert.is(await written(), mid);
  assert.is((await h.sandbox('delete', 'taken')).exitCode, 0);
});

test('--dry-run prints the plan and writes nothing; --help says what consistency a running source gives', async () => {
  const before = await written();
  const r = await h.sandbox('clone', '--dry-run', 'web1', 'web2');
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^Sandbox web2, a clone of web1 \(dry run: nothing is written\)/);
  assert.match(r.stdout, /---\/etc\/systemd\/system\/apache2@web2\.service\.d\/50-sandbox\.conf---/);
  assert.match(r.stdout, /published ports of 'web1' \(8090:80\) are not copied/);
  assert.is(await written(), before);
  const help = await h.sandbox('clone', '--help');
  assert.is(help.exitCode, 0);
  assert.match(help.stdout.replace(/\s+/g, ' '), /file by file, not as a snapshot/);
});

test('cloning a running sandbox: the source keeps running, unchanged; the clone is whole', async () => {
  const pid = await h.mainPid(unit('web1'));
  const before = await sourceState('web1');
  const r = await h.sandbox('clone', 'web1', 'web2');
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^Cloned sandbox web1 as web2 \(apache2@web2\.service\) with label s0:c\d+,c\d+ in \/var\/lib\/sandbox\/web2\.$/m);
  assert.match(r.stderr, /published ports of 'web1' \(8090:80\) are not copied/);
  assert.is(await active(unit('web1')), 'active');
  assert.is(await h.mainPid(unit('web1')), pid, 'the source was restarted');
  assert.is(await sourceState('web1'), before);
  assert.is((await h.curlIn(pid, 'http://127.0.0.1/')).stdout, 'one\n');
  // limits and profile kept; no published port
  assert.is(await recordValue('web2', 'limits'), '"memory=268435456"');
  assert.is(await recordValue('web2', 'profile'), 'strict');
  assert.is(await recordValue('web2', 'publish'), undefined);
  assert.is((await h.exec(['test', '-e', `/etc/systemd/system/${unit('web2')}.d/60-publish.conf`])).exitCode, 1);
  assert.is(await consistency(), 'ok');
});

test('the clone serves its own copy, with a label of its own on every entry and in its unit', async () => {
  assert.is(await h.ok(`cat ${page('web2')}`), 'one\n');
  await h.ok(`echo two > ${page('web2')}`);
  const s = await h.sandbox('start', 'web2');
  assert.is(s.exitCode, 0, s.stdout + s.stderr);
  assert.is((await h.curlIn(await h.mainPid(unit('web1')), 'http://127.0.0.1/')).stdout, 'one\n');
  assert.is((await h.curlIn(await h.mainPid(unit('web2')), 'http://127.0.0.1/')).stdout, 'two\n');
  assert.is((await h.ok(`systemctl show -p MemoryMax --value ${unit('web2')}`)).trim(), '268435456');

  const [ctx1, ctx2] = [await recordValue('web1', 'fileContext'), await recordValue('web2', 'fileContext')];
  assert.is.not(await recordValue('web1', 'label'), await recordValue('web2', 'label'));
  const [l1, l2] = [await labels('web1'), await labels('web2')];
  assert.equal([...l2.keys()], [...l1.keys()], 'the same entries');
  assert.ok(l1.size > 50, `${l1.size} entries`);
  for (const [f, l] of l1) assert.is(l, ctx1, `web1 ${f}`);
  for (const [f, l] of l2) assert.is(l, ctx2, `web2 ${f}`);
  const proc = await recordValue('web2', 'processContext');
  assert.is((await h.ok(`systemctl show -p SELinuxContext --value ${unit('web2')}`)).trim(), proc);
  assert.is.not(proc, await recordValue('web1', 'processContext'));
  assert.is(await h.ok(`sha256sum < /etc/systemd/system/${unit('web2')}`), await h.ok(`sha256sum < /etc/systemd/system/${unit('web1')}`));
});

test('SIGKILL during clone: before the record, recovery leaves no clone; after it, the clone is whole and starts', async () => {
  const before = await written();
  const labelsBefore = (await h.sandbox('labels', '--json')).stdout;
  for (const point of ['clone:label-reserved', 'clone:staging', 'clone:copied', 'clone:labelled', 'clone:published-tree', 'clone:wrote-dropin', 'write:web3.sandbox']) {
    const killed = await h.exec(['node', CLI, 'clone', 'web1', 'web3'], { env: { SANDBOX_CRASH_AT: point } });
    assert.is(killed.exitCode, 137, `${point}: ${killed.stderr}`);
    const next = await h.sandbox('list');
    assert.is(next.exitCode, 0, next.stderr);
    assert.is(await written(), before, point);
    assert.is((await h.sandbox('labels', '--json')).stdout, labelsBefore, point);
  }
  const killed = await h.exec(['node', CLI, 'clone', 'web1', 'web3'], { env: { SANDBOX_CRASH_AT: 'clone:recorded' } });
  assert.is(killed.exitCode, 137, killed.stderr);
  assert.match((await h.sandbox('list')).stdout, /^web3\s/m);
  assert.is(await consistency(), 'ok');
  await h.ok('systemctl daemon-reload');
  const s = await h.sandbox('start', 'web3');
  assert.is(s.exitCode, 0, s.stdout + s.stderr);
  assert.is((await h.curlIn(await h.mainPid(unit('web3')), 'http://127.0.0.1/')).stdout, 'one\n');
  assert.is(await active(unit('web1')), 'active');
});

test('delete of a clone leaves its source as it was', async () => {
  const before = await sourceState('web1');
  for (const n of ['web2', 'web3']) assert.is((await h.sandbox('delete', '--force', n)).exitCode, 0);
  assert.is(await sourceState('web1'), before);
  assert.is((await h.curlIn(await h.mainPid(unit('web1')), 'http://127.0.0.1/')).stdout, 'one\n');
  assert.is(await consistency(), 'ok');
});

test("a process of the source swapping its directories for links to the host's /etc while it is cloned: nothing of the host reaches the clone", async () => {
  const html = `${tree('web1')}/var/www/html`;
  // a/b/c, each level swapped (renameat2 RENAME_EXCHANGE) with a link to /etc, as the sandbox's root could
  await h.ok(`mkdir -p ${html}/a/b/c && for d in a a/b a/b/c; do echo mine > ${html}/$d/mine; done && ln -s /etc ${html}/la && ln -s /etc ${html}/a/lb && ln -s /etc ${html}/a/b/lc`);
  const pairs = ['a', 'la', 'a/b', 'a/lb', 'a/b/c', 'a/b/lc'].map((p) => `${html}/${p}`).join(' ');
  const racer = Number((await h.ok(`setsid python3 ${RACER} ${pairs} </dev/null >/dev/null 2>&1 & echo $!`)).trim());
  try {
    for (let i = 0; i < 5; i++) {
      const r = await h.sandbox('clone', 'web1', 'web4');
      assert.is(r.exitCode, 0, r.stderr);
      const found = await h.ok(`find ${tree('web4')}/var/www/html \\( -name shadow -o -name passwd -o -name sandbox \\) -not -type l`);
      assert.is(found, '', `copy ${i}`);
      assert.is((await h.sandbox('delete', 'web4')).exitCode, 0);
    }
  } finally {
    await h.ok(`kill ${racer}`);
  }
  await h.ok(`rm -r ${html}/a ${html}/la`);
  assert.is(await consistency(), 'ok');
});

test.run();
