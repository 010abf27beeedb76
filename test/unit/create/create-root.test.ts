// `sandbox create --root` on a temp root with a real rpm database (the sbxdemo
// fixture): the tree, its modes, owners, links and labels, the units, the
// record, the manifest; several -u; --copy/--exclude; dry-run; delete.
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildFixtureRpm, installFixtureRpm } from '../../fixtures/rpm/build.js';
import { CLI } from '../../integration/sandbox-host.js';
import { parseManifest } from '../../../src/payload/manifest.js';
import { parseUnitFile } from '../../../src/unitfile/index.js';

let work: string;
let root: string;

const sandbox = (...args: string[]) => spawnSync('node', [CLI, '--root', root, ...args], { encoding: 'utf8' });
const at = (p: string) => path.join(root, p);
const quiet = { encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ('ignore' | 'pipe')[] };
const xattr = (p: string) => execFileSync('getfattr', ['-h', '--absolute-names', '--only-values', '-n', 'security.selinux', p], quiet).replace(/\0$/, '');

test.before(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'sbx-create-'));
  root = path.join(work, 'root');
  await installFixtureRpm(await buildFixtureRpm(path.join(work, 'build')), root);
  // what maintainer scripts and admins add: in no package list, still the service's own
  await fs.writeFile(at('/etc/sbxdemo/local.conf'), 'EXTRA=1\n');
  await fs.symlink('sbxdemo.conf', at('/etc/sbxdemo/current.conf'));
  await fs.symlink('/etc/shadow', at('/etc/sbxdemo/shadow-link'));
  await fs.writeFile(at('/var/lib/sbxdemo/data'), 'data\n', { mode: 0o640 });
  await fs.chown(at('/var/lib/sbxdemo/data'), 4321, 8765);
  await fs.link(at('/var/lib/sbxdemo/data'), at('/var/lib/sbxdemo/data-hardlink'));
  execFileSync('setfattr', ['-n', 'user.origin', '-v', 'admin', at('/var/lib/sbxdemo/data')]);
  await fs.utimes(at('/var/lib/sbxdemo/data'), new Date('2020-01-02T03:04:05Z'), new Date('2020-01-02T03:04:05Z'));
  execFileSync('mkfifo', [at('/var/lib/sbxdemo/fifo')]);
});
test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test('create copies the service directories whole, as they are now, with owners, modes, times, links and xattrs', () => {
  const r = sandbox('create', '-u', 'sbxdemo.service', 'demo1');
  assert.is(r.status, 0, r.stderr);
  const t = (p: string) => at(path.join('/var/lib/sandbox/demo1', p));
  return (async () => {
    assert.is(await fs.readFile(t('/etc/sbxdemo/local.conf'), 'utf8'), 'EXTRA=1\n');
    assert.is(await fs.readlink(t('/etc/sbxdemo/current.conf')), 'sbxdemo.conf');
    assert.is(await fs.readlink(t('/etc/sbxdemo/shadow-link')), '/etc/shadow');
    const [host, copy] = [await fs.stat(at('/var/lib/sbxdemo/data')), await fs.stat(t('/var/lib/sbxdemo/data'))];
    assert.equal([copy.uid, copy.gid, copy.mode & 0o7777, copy.mtimeMs], [4321, 8765, 0o640, host.mtimeMs]);
    assert.is((await fs.stat(t('/var/lib/sbxdemo/data-hardlink'))).ino, copy.ino);
    assert.is(execFileSync('getfattr', ['--absolute-names', '--only-values', '-n', 'user.origin', t('/var/lib/sbxdemo/data')], quiet), 'admin');
    assert.is(await fs.lstat(t('/var/lib/sbxdemo/fifo')).catch(() => 'absent'), 'absent');
    assert.ok((await fs.stat(t('/etc/logrotate.d/sbxdemo'))).isFile());
    // nothing outside what the package owns
    assert.equal((await fs.readdir(t('/etc'))).sort(), ['logrotate.d', 'sbxdemo']);
  })();
});

test('every entry of the tree carries the sandbox file label, symlinks included; the host is unlabelled', async () => {
  const record = await fs.readFile(at('/etc/sandbox/demo1.sandbox'), 'utf8');
  const fileContext = /fileContext=(.*)/.exec(record)![1]!;
  assert.match(fileContext, /^system_u:object_r:svirt_sandbox_file_t:s0:c\d+,c\d+$/);
  const listing = execFileSync('getfattr', ['-h', '-R', '-d', '-m', 'security.selinux', '--absolute-names', at('/var/lib/sandbox/demo1')], { encoding: 'utf8' });
  const files = listing.split('\n').filter((l) => l.startsWith('# file: '));
  const labelled = listing.split('\n').filter((l) => l === `security.selinux="${fileContext}"`);
  assert.ok(files.length >= 10);
  assert.is(labelled.length, files.length);
  assert.is(xattr(at('/var/lib/sandbox/demo1/etc/sbxdemo/shadow-link')), fileContext);
  assert.throws(() => xattr(at('/etc/sbxdemo/sbxdemo.conf')));
});

test('units, record and manifest', async () => {
  const body = parseUnitFile(await fs.readFile(at('/etc/systemd/system/sbxdemo@.service'), 'utf8'));
  assert.is(body.get('Unit', 'ReloadPropagatedFrom'), 'sbxdemo.service');
  assert.is(body.get('Service', 'PrivateTmp'), 'yes');
  assert.is(body.get('Service', 'ExecStart'), '/usr/bin/sbxdemo');
  const dropin = parseUnitFile(await fs.readFile(at('/etc/systemd/system/sbxdemo@demo1.service.d/50-sandbox.conf'), 'utf8'));
  assert.is(dropin.get('Service', 'PrivateNetwork'), 'yes');
  assert.ok(dropin.getAll('Service', 'BindPaths').includes('/var/lib/sandbox/demo1/etc/sbxdemo:/etc/sbxdemo'));
  const manifest = parseManifest(await fs.readFile(at('/var/lib/sandbox/.manifests/demo1'), 'utf8'));
  const data = manifest.find((m) => m.path.endsWith('/var/lib/sbxdemo/data'))!;
  assert.is(data.sha256, execFileSync('sha256sum', [at('/var/lib/sbxdemo/data')], { encoding: 'utf8' }).split(' ')[0]);
});

test('a second sandbox: its own label and tree, the shared template kept', async () => {
  assert.is(sandbox('create', '-u', 'sbxdemo', '--network', 'host', '--exclude', '/var/log/sbxdemo', 'demo2').status, 0);
  const labels = JSON.parse(sandbox('labels', '--json').stdout) as { level: string; sandbox: string }[];
  assert.is(new Set(labels.map((l) => l.level)).size, 2);
  assert.is(await fs.lstat(at('/var/lib/sandbox/demo2/var/log/sbxdemo')).catch(() => 'absent'), 'absent');
  const dropin = await fs.readFile(at('/etc/systemd/system/sbxdemo@demo2.service.d/50-sandbox.conf'), 'utf8');
  assert.match(dropin, /^PrivateNetwork=no$/m);
  assert.not.match(dropin, /\/var\/log\/sbxdemo/);
  const list = JSON.parse(sandbox('list', '--json').stdout) as { name: string; network: string }[];
  assert.equal(list.map((s) => [s.name, s.network]), [['demo1', 'none'], ['demo2', 'host']]);
});

test('delete removes one sandbox and keeps what the other still uses', async () => {
  assert.is(sandbox('delete', 'demo1').status, 0);
  assert.is(await fs.lstat(at('/var/lib/sandbox/demo1')).catch(() => 'absent'), 'absent');
  assert.ok((await fs.stat(at('/etc/systemd/system/sbxdemo@.service'))).isFile());
  assert.is(sandbox('delete', 'demo2').status, 0);
  assert.equal(await fs.readdir(at('/etc/systemd/system')), []);
  assert.equal(await fs.readdir(at('/etc/sandbox')), []);
  // the host's own files are untouched
  assert.is(await fs.readFile(at('/etc/sbxdemo/local.conf'), 'utf8'), 'EXTRA=1\n');
});

test('several -u: one unit per service, one shared tree and label; -P makes an unowned unit usable', async () => {
  await fs.writeFile(at('/etc/systemd/system/sbxhelper.service'), '[Unit]\nDescription=helper\n[Service]\nExecStart=/usr/bin/sbxdemo --helper\n');
  const unowned = sandbox('create', '-u', 'sbxhelper.service', 'lonely');
  assert.is(unowned.status, 3);
  assert.match(unowned.stderr, /no package owns \/etc\/systemd\/system\/sbxhelper\.service .*-P PACKAGE/);
  const r = sandbox('create', '-u', 'sbxdemo.service', '-u', 'sbxhelper.service', '-P', 'sbxdemo', 'pair');
  assert.is(r.status, 0, r.stderr);
  const rec = await fs.readFile(at('/etc/sandbox/pair.sandbox'), 'utf8');
  assert.match(rec, /^units=sbxdemo\.service sbxhelper\.service$/m);
  const label = /^label=(.*)$/m.exec(rec)![1]!;
  for (const u of ['sbxdemo@pair.service.d', 'sbxhelper@pair.service.d']) {
    const dropin = await fs.readFile(at(`/etc/systemd/system/${u}/50-sandbox.conf`), 'utf8');
    assert.ok(dropin.includes(`:${label}`), dropin);
    assert.ok(dropin.includes('BindPaths=/var/lib/sandbox/pair/etc/sbxdemo:/etc/sbxdemo'));
  }
  assert.is(sandbox('delete', 'pair').status, 0);
  await fs.rm(at('/etc/systemd/system/sbxhelper.service'));
  assert.equal(await fs.readdir(at('/etc/systemd/system')), []);
});

test("directories the unit names are created in the tree with the unit's User/Group, bound, and not made on the host", async () => {
  await fs.writeFile(at('/etc/passwd'), 'root:x:0:0::/root:/bin/sh\nsbxuser:x:4242:4343::/:/bin/false\n');
  await fs.writeFile(at('/etc/systemd/system/sbxstate.service'), '[Service]\nUser=sbxuser\nStateDirectory=sbxstate\nLogsDirectory=sbxstate\nExecStart=/usr/bin/sbxdemo\n');
  const r = sandbox('create', '-u', 'sbxstate.service', '-P', 'sbxdemo', 'st1');
  assert.is(r.status, 0, r.stderr);
  for (const d of ['/var/lib/sbxstate', '/var/log/sbxstate']) {
    const st = await fs.stat(at(`/var/lib/sandbox/st1${d}`));
    assert.equal([st.isDirectory(), st.uid, st.gid], [true, 4242, 4343], d);
    assert.is(await fs.lstat(at(d)).catch(() => 'absent'), 'absent', `${d} made on the host`);
  }
  const body = parseUnitFile(await fs.readFile(at('/etc/systemd/system/sbxstate@.service'), 'utf8'));
  assert.is(body.get('Service', 'StateDirectory'), undefined);
  assert.ok(body.getAll('Service', 'Environment').includes('STATE_DIRECTORY=/var/lib/sbxstate'));
  const dropin = parseUnitFile(await fs.readFile(at('/etc/systemd/system/sbxstate@st1.service.d/50-sandbox.conf'), 'utf8'));
  assert.ok(dropin.getAll('Service', 'BindPaths').includes('/var/lib/sandbox/st1/var/lib/sbxstate:/var/lib/sbxstate'));
  assert.is(sandbox('delete', 'st1').status, 0);
  await fs.rm(at('/etc/systemd/system/sbxstate.service'));
});

test('a batch makes several sandboxes in one call, each with its own label, tree and drop-in', async () => {
  const r = sandbox('create', '-u', 'sbxdemo.service', 'b1', 'b2', 'b3');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Start them with: sandbox start b1 b2 b3$/m);
  const labels = JSON.parse(sandbox('labels', '--json').stdout) as { level: string; sandbox: string }[];
  assert.equal(labels.map((l) => l.sandbox).sort(), ['b1', 'b2', 'b3']);
  assert.is(new Set(labels.map((l) => l.level)).size, 3);
  for (const n of ['b1', 'b2', 'b3']) {
    assert.ok((await fs.stat(at(`/var/lib/sandbox/${n}/etc/sbxdemo/sbxdemo.conf`))).isFile(), n);
    assert.ok((await fs.stat(at(`/etc/systemd/system/sbxdemo@${n}.service.d/50-sandbox.conf`))).isFile(), n);
  }
});

test('a batch naming an existing sandbox or a name twice changes nothing', async () => {
  const before = (await fs.readdir(at('/etc/sandbox'))).sort();
  const taken = sandbox('create', '-u', 'sbxdemo.service', 'b4', 'b1', 'b5');
  assert.is(taken.status, 4);
  assert.is(taken.stderr.trim(), "sandbox: sandbox 'b1' already exists");
  const twice = sandbox('create', '-u', 'sbxdemo.service', 'b4', 'b4');
  assert.is(twice.status, 2);
  assert.match(twice.stderr, /sandbox: sandbox 'b4' is named twice$/m);
  assert.equal((await fs.readdir(at('/etc/sandbox'))).sort(), before);
});

test('#2 of 3 fails: #1 stays, #2 is rolled back (its label too), #3 is not attempted; one line, the failure\'s exit code', async () => {
  // A tree without a record: create refuses it after the label is reserved.
  await fs.mkdir(at('/var/lib/sandbox/b7'));
  const r = sandbox('create', '-u', 'sbxdemo.service', 'b6', 'b7', 'b8');
  assert.is(r.status, 4, r.stderr);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('sandbox: '));
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!, /^sandbox: creating sandbox 'b7' failed \(rolled back\): .*already exists.*; created: b6; not attempted: b8$/);
  assert.match(r.stdout, /^Created sandbox b6 /m);
  assert.ok((await fs.stat(at('/etc/sandbox/b6.sandbox'))).isFile());
  for (const gone of ['/etc/sandbox/b7.sandbox', '/etc/sandbox/b8.sandbox', '/var/lib/sandbox/b8', '/etc/systemd/system/sbxdemo@b7.service.d', '/var/lib/sandbox/.creating-b7']) {
    assert.is(await fs.lstat(at(gone)).catch(() => 'absent'), 'absent', gone);
  }
  const labels = JSON.parse(sandbox('labels', '--json').stdout) as { sandbox: string }[];
  assert.equal(labels.map((l) => l.sandbox).sort(), ['b1', 'b2', 'b3', 'b6']);
  await fs.rmdir(at('/var/lib/sandbox/b7'));
  assert.is(sandbox('delete', 'b1', 'b2', 'b3', 'b6').status, 0);
  assert.equal(await fs.readdir(at('/etc/sandbox')), []);
});

test.run();
