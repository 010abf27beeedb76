// Bad input never half-makes anything: every case exits with its code, says
// one `sandbox: …` line last on stderr (no stack), and leaves the root's file
// tree byte for byte as it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { buildFixtureRoot, copyRoot, errorLines, makeTmp, sandbox, type CliOptions, type CliResult } from './fixture-root.js';
import { diffSnapshots, snapshot } from './tree-snapshot.js';

const work = await makeTmp('bad-input');
const fixture = await buildFixtureRoot(work);
// One root for the read-only cases: an existing sandbox 'taken', and a unit file no package owns.
const root = await copyRoot(fixture, path.join(work, 'root'));
const made = await sandbox(root, ['create', '-u', 'sbxdemo.service', 'taken']);
if (made.code !== 0) throw new Error(`create taken: ${made.stderr}`);
await fs.writeFile(path.join(root, 'etc/systemd/system/orphan.service'), '[Service]\nExecStart=/usr/bin/true\n');
const RECORD = path.join(root, 'etc/sandbox/taken.sandbox');
const recordText = await fs.readFile(RECORD, 'utf8');

let cases = 0;

/** The error contract: one `sandbox: ` line, the last one, and no stack trace. */
function assertOneLineError(r: CliResult, what: string): string {
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(errorLines(r.stderr).length, 1, `${what}: want one 'sandbox: ' line:\n${r.stderr}`);
  assert.ok(lines[lines.length - 1]!.startsWith('sandbox: '), `${what}: the error is not the last line:\n${r.stderr}`);
  assert.not.match(r.stderr, /internal error|^\s+at /m, `${what}: a stack trace:\n${r.stderr}`);
  return lines[lines.length - 1]!;
}

/** Run one case on base (default: the shared root) and check the code, the message and that nothing changed. */
async function expectRefused(
  args: string[],
  code: number,
  opts: CliOptions & { base?: string | null; watch?: string[]; message?: RegExp } = {},
): Promise<string> {
  cases++;
  const what = `sandbox ${args.map((a) => JSON.stringify(a)).join(' ')}`;
  const base = opts.base === undefined ? root : opts.base;
  const top = base ?? '/';
  const before = await snapshot(top, opts.watch);
  const r = await sandbox(base ?? undefined, args, opts);
  assert.is(r.code, code, `${what}: exit ${r.code}, want ${code}:\n${r.stderr}`);
  const line = assertOneLineError(r, what);
  if (opts.message) assert.match(line, opts.message, what);
  assert.equal(diffSnapshots(before, await snapshot(top, opts.watch)), [], `${what}: the tree changed`);
  return line;
}

const create = (name: string, ...more: string[]) => ['create', '-u', 'sbxdemo.service', ...more, name];

test('invalid sandbox names: usage error (2) for create and delete', async () => {
  for (const name of ['../x', 'a/b', 'a@b', '', 'a'.repeat(65), 'é', '.hidden', 'a..b', 'a\nb', 'a b', 'a\tb', 'a:b', 'a\\b', 'a%ib', 'a\x1b[2Jb']) {
    await expectRefused(create(name), 2);
    await expectRefused(['delete', name], 2);
  }
  // The value is shown with its control characters escaped, on one line.
  await expectRefused(create('a\nb'), 2, { message: /^sandbox: 'a\\nb' is not a valid sandbox name/ });
  await expectRefused(['delete', 'a\x1b[2Jb'], 2, { message: /^sandbox: 'a\\u001b\[2Jb' is not a valid sandbox name/ });
  // A name that looks like an option only gets through after --.
  await expectRefused(['create', '-u', 'sbxdemo.service', '--', '-rf'], 2);
  await expectRefused(['delete', '--', '-rf'], 2);
});

test('bad command lines: usage error (2)', async () => {
  await expectRefused(['bogus'], 2);
  await expectRefused([], 2);
  await expectRefused(['list', '--bogus'], 2);
  await expectRefused(['start', 'taken', '--all', 'sbxdemo.service'], 2, { message: /not both/ });
  await expectRefused(create('x', '--network', 'bogus'), 2);
  await expectRefused(['create', 'x'], 2, { message: /unit/ });
  await expectRefused(create('x', '-u', 'sbxdemo.service'), 2, { message: /twice/ });
  await expectRefused(create('x', '--security', 'bogus'), 2);
  await expectRefused(create('x', '--security', 'static,label=garbage'), 2);
  await expectRefused(create('x', '--security', 'static,label=s0:c5,c2'), 2);
  await expectRefused(create('x', '--security', 'static,label=s0:c3,c3'), 2);
  await expectRefused(['create', '-u', 'sbxdemo@.service', 'x'], 2, { message: /template/ });
  await expectRefused(['create', '-u', 'sbxdemo@taken.service', 'x'], 2);
  await expectRefused(['create', '-u', 'sbxdemo.socket', 'x'], 2);
  await expectRefused(['create', '-u', '', 'x'], 2);
  await expectRefused(['create', '-u', '../../x.service', 'x'], 2);
  // A unit name or a label with a newline: refused, and the message stays one line (no control character printed).
  await expectRefused(['create', '-u', 'sbxdemo\nExecStartPre=+/bin/sh.service', 'x'], 2, { message: /sbxdemo\\nExecStartPre/ });
  await expectRefused(create('x', '--security', 'static,label=s0:c1,c2\nExecStartPre=+/bin/sh'), 2, { message: /c2\\nExecStartPre/ });
  await expectRefused(create('x', '--security', 'static,label=system_u:system_r:svirt_lxc_net_t:s0:c1,c2 x'), 2);
  await expectRefused(['status', 'taken'], 2, { message: /--root/ });
});

test('bad --copy and --exclude paths: usage error (2), no label left reserved', async () => {
  await expectRefused(create('x', '--copy', 'etc/passwd'), 2, { message: /absolute/ });
  await expectRefused(create('x', '--exclude', 'var/log/sbxdemo'), 2, { message: /absolute/ });
  await expectRefused(create('x', '--copy', '/usr/bin/sbxdemo'), 2, { message: /only paths under/ });
  await expectRefused(create('x', '--copy', '/etc/nonexistent'), 2, { message: /no such file/ });
  await expectRefused(create('x', '--copy', '/etc'), 2);
  await expectRefused(create('x', '--copy', '/var/log/sbxdemo', '--exclude', '/var/log/sbxdemo'), 2);
});

test('paths no unit file can hold (issue 19 item 2): usage error (2), naming the value', async () => {
  // The named files exist: the refusal is about the name, not about a missing file.
  await fs.mkdir(path.join(root, 'etc/sbxdemo\nExecStartPre=+'), { recursive: true });
  await fs.writeFile(path.join(root, 'etc/sbxdemo\tt'), '');
  const control = /: has a control character \(newline, tab, …\), which cannot be written into a unit file$/;
  for (const p of ['/etc/sbxdemo\nExecStartPre=+/usr/bin/touch /root/pwned', '/etc/sbxdemo\nExecStartPre=+', '/etc/sbxdemo\tt', '/etc/sbxdemo\rx', '/etc/sbxdemo\x1b[2J']) {
    const line = await expectRefused(create('x', '--copy', p), 2, { message: control });
    assert.ok(line.includes(`--copy ${JSON.stringify(p)}`), line);
    await expectRefused(create('x', '--exclude', p), 2, { message: control });
  }
  await fs.rm(path.join(root, 'etc/sbxdemo\nExecStartPre=+'), { recursive: true });
  await fs.rm(path.join(root, 'etc/sbxdemo\tt'));
});

test('static labels outside the rules of allocated ones (issue 19 item 6): usage error (2)', async () => {
  await expectRefused(create('x', '--security', 'static,label=s0:c1022,c1023'), 2, { message: /reserved/ });
  await expectRefused(create('x', '--security', 'static,label=system_u:system_r:svirt_lxc_net_t:s0:c1022,c1023'), 2, { message: /reserved/ });
  await expectRefused(create('x', '--security', 'static,label=system_u:system_r:unconfined_t:s0:c1,c2'), 2, { message: /a sandbox runs as system_u:system_r:svirt_lxc_net_t/ });
  await expectRefused(create('x', '--security', 'static,label=unconfined_u:unconfined_r:unconfined_t:s0:c1,c2'), 2, { message: /unconfined_t/ });
  await expectRefused(create('x', '--dry-run', '--security', 'static,label=s0:c1022,c1023'), 2, { message: /reserved/ });
});

test('a --root that does not exist or is not a directory (issue 19 item 9): usage error (2)', async () => {
  const missing = path.join(work, 'nonexistent');
  const file = path.join(work, 'a-file');
  await fs.writeFile(file, 'x\n');
  const watch = [work];
  for (const args of [['list'], ['labels'], ['doctor'], ['delete', 'taken'], create('x')]) {
    await expectRefused(['--root', missing, ...args], 2, { base: null, watch, message: new RegExp(`^sandbox: --root ${missing}: no such directory$`) });
    await expectRefused(['--root', file, ...args], 2, { base: null, watch, message: new RegExp(`^sandbox: --root ${file}: not a directory$`) });
  }
  await expectRefused(['--root', '/etc/passwd', 'list'], 2, { base: null, watch, message: /^sandbox: --root \/etc\/passwd: not a directory$/ });
  await expectRefused(['--root', '', 'list'], 2, { base: null, watch, message: /--root needs a directory/ });
  await fs.rm(file);
});

test('what does not exist: not found (3)', async () => {
  await expectRefused(['create', '-u', 'nope.service', 'x'], 3, { message: /nope\.service/ });
  await expectRefused(['create', '-u', 'orphan.service', 'x'], 3, { message: /-P/ });
  await expectRefused(create('x', '-P', 'nopkg'), 3, { message: /nopkg/ });
  await expectRefused(['delete', 'nope'], 3, { message: /nope/ });
  await expectRefused(['delete', 'taken', 'nope'], 3, { message: /nope/ });
});

test('an existing name: conflict (4), the sandbox untouched', async () => {
  await expectRefused(create('taken'), 4, { message: /already exists/ });
  await expectRefused(create('x', '--security', `static,label=${/^label=(.*)$/m.exec(recordText)![1]}`), 4, { message: /taken/ });
});

test('a hand-edited record: the error names the file, the line and the fix; delete removes nothing', async () => {
  const edits: [string, (t: string) => string, number][] = [
    ['label=bogus appended', (t) => t + 'label=bogus\n', 17],
    ['label=bogus in place', (t) => t.replace(/^label=.*$/m, 'label=bogus'), 6],
    ['a garbage line', (t) => t.replace(/^network=none$/m, 'network=none\nthis is not a setting'), 11],
    ['network=bogus', (t) => t.replace(/^network=.*$/m, 'network=bogus'), 10],
    ['profile=../x', (t) => t.replace(/^profile=.*$/m, 'profile=../x'), 11],
    ['dbus=bogus', (t) => t.replace(/^dbus=.*$/m, 'dbus=bogus'), 12],
    ['name of another sandbox', (t) => t.replace(/^name=.*$/m, 'name=other'), 3],
    ['tree outside the state dir', (t) => t.replace(/^tree=.*$/m, 'tree=/etc'), 9],
    ['a missing key', (t) => t.replace(/^processContext=.*\n/m, ''), 0],
  ];
  for (const [what, edit, line] of edits) {
    const base = await copyRoot(root, path.join(work, `record-${cases}`));
    const file = path.join(base, 'etc/sandbox/taken.sandbox');
    await fs.writeFile(file, edit(recordText));
    for (const args of [['list'], ['delete', 'taken'], create('x')]) {
      const msg = await expectRefused(args, 1, { base });
      assert.ok(msg.includes(line ? `${file}:${line}:` : file), `${what}: ${msg} does not name ${file}:${line}`);
      assert.match(msg, /edit it back .* or remove the file and run 'sandbox doctor --repair'/, what);
    }
    await fs.rm(base, { recursive: true, force: true });
  }
});

test('not root on a live host: unavailable (5), nothing written', async () => {
  const watch = ['/etc/sandbox', '/var/lib/sandbox', '/etc/systemd/system'];
  for (const args of [create('x'), ['delete', 'x']]) {
    await expectRefused(args, 5, { base: null, asNobody: true, watch, message: /run it as root/ });
  }
});

test('no package manager: unavailable (5)', async () => {
  // A root with the unit but no package database at all.
  const bare = path.join(work, 'bare');
  await fs.mkdir(path.join(bare, 'usr/lib/systemd/system'), { recursive: true });
  await fs.copyFile(path.join(fixture, 'usr/lib/systemd/system/sbxdemo.service'), path.join(bare, 'usr/lib/systemd/system/sbxdemo.service'));
  await expectRefused(create('x'), 5, { base: bare, message: /package manager/ });
  // The fixture root, with a PATH that has everything but rpm and dpkg.
  const bin = path.join(work, 'bin');
  await fs.mkdir(bin);
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      if (/^(rpm|dpkg)/.test(name)) continue;
      await fs.symlink(path.join(dir, name), path.join(bin, name)).catch(() => undefined);
    }
  }
  await expectRefused(create('x'), 5, { env: { PATH: bin }, message: /package manager/ });
});

test('counts', () => {
  console.log(`  ${cases} bad-input cases`);
  assert.ok(cases > 40);
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
