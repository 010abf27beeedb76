// Copying a plan out of a temp "host" root into a temp destination, and
// checking each property on the copy with lstat and getfattr.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../../src/exec.js';
import { makePaths, type Paths } from '../../../src/paths.js';
import { copyPlan, type CopyProgress, type CopyResult } from '../../../src/payload/copy.js';
import { findListing } from './find-listing.js';

let tmp = '';
let root = '';
let dest = '';
let paths: Paths;
let server: net.Server;
let result: CopyResult;
const progress: CopyProgress[] = [];
const PAST = new Date('2020-02-03T04:05:06Z');
const OLDER = new Date('2019-01-02T03:04:05Z');

const h = (p: string) => path.join(root, p);
const d = (p: string) => path.join(dest, p);
async function sh(cmd: string, ...args: string[]) {
  const r = await run(cmd, args);
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const xattr = async (file: string, name: string) =>
  (await sh('getfattr', '-h', '--absolute-names', '--only-values', '-n', name, file)).replace(/\0$/, '');
const exists = (file: string) => fs.lstat(file).then(() => true, () => false);

test.before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-copy-'));
  root = path.join(tmp, 'host');
  dest = path.join(tmp, 'dest');
  paths = makePaths(root);

  // the service's own dir, with everything a real one can hold
  await fs.mkdir(h('/etc/demo/sub/drop'), { recursive: true });
  await fs.mkdir(h('/etc/demo/private'), { recursive: true });
  await fs.writeFile(h('/etc/demo/private/key'), 'PRIVATE');
  await fs.writeFile(h('/etc/demo/sub/keep'), 'keep');
  await fs.writeFile(h('/etc/demo/sub/drop/x'), 'drop');
  // excluded, but one file in it is copied on its own (--copy beats --exclude)
  await fs.mkdir(h('/etc/demo/cache'));
  await fs.writeFile(h('/etc/demo/cache/big'), 'big');
  await fs.writeFile(h('/etc/demo/cache/keep'), 'kept');
  await fs.chmod(h('/etc/demo/cache'), 0o710);
  await fs.utimes(h('/etc/demo/cache'), OLDER, OLDER);
  await fs.writeFile(h('/etc/demo/demo.conf'), 'MESSAGE=hi\n');
  await fs.chmod(h('/etc/demo/demo.conf'), 0o640);
  await fs.chown(h('/etc/demo/demo.conf'), 1234, 5678);
  await sh('setfattr', '-n', 'user.test', '-v', 'hello', h('/etc/demo/demo.conf'));
  await sh('setfattr', '-n', 'security.selinux', '-v', 'system_u:object_r:demo_etc_t:s0', h('/etc/demo/demo.conf'));
  await fs.utimes(h('/etc/demo/demo.conf'), PAST, PAST);
  await fs.symlink('/etc/shadow', h('/etc/demo/shadow-link'));
  await fs.symlink('demo.conf', h('/etc/demo/rel-link'));
  await fs.writeFile(h('/etc/demo/hard1'), 'linked');
  await fs.link(h('/etc/demo/hard1'), h('/etc/demo/hard2'));
  await sh('mkfifo', h('/etc/demo/fifo'));
  server = net.createServer();
  await new Promise<void>((resolve) => server.listen(h('/etc/demo/sock'), resolve));
  await fs.writeFile(h('/etc/shadow'), 'root:SECRET:::\n');
  await fs.chmod(h('/etc/demo'), 0o750);
  await sh('setfattr', '-n', 'user.dir', '-v', 'kept', h('/etc/demo'));
  await fs.utimes(h('/etc/demo'), PAST, PAST);
  // an entry in a shared dir whose parent has its own metadata
  await fs.mkdir(h('/etc/logrotate.d'));
  await fs.writeFile(h('/etc/logrotate.d/demo'), 'rotate\n');
  await fs.chown(h('/etc/logrotate.d'), 42, 43);
  await fs.chmod(h('/etc/logrotate.d'), 0o700);
  await fs.utimes(h('/etc/logrotate.d'), OLDER, OLDER);
  // a whole dir with nothing special: one plain cp
  await fs.mkdir(h('/var/lib/demo/db'), { recursive: true });
  await fs.writeFile(h('/var/lib/demo/db/a'), 'a');
  await fs.link(h('/var/lib/demo/db/a'), h('/var/lib/demo/a-link'));
  await fs.utimes(h('/var/lib/demo'), PAST, PAST);
  // a whole entry that is a symlink at its top
  await fs.mkdir(h('/var/log'), { recursive: true });
  await fs.symlink('/etc/demo', h('/var/log/demo'));
  await fs.utimes(h('/etc'), OLDER, OLDER);

  result = await copyPlan(
    paths,
    {
      entries: [
        { path: '/etc/demo', how: 'whole' },
        { path: '/etc/demo/cache/keep', how: 'entry' },
        { path: '/etc/logrotate.d/demo', how: 'entry' },
        { path: '/var/lib/demo', how: 'whole' },
        { path: '/var/log/demo', how: 'whole' },
      ],
      excludes: ['/etc/demo/cache', '/etc/demo/private', '/etc/demo/sub/drop'],
    },
    dest,
    { onProgress: (p) => progress.push(p) },
  );
});

test.after(async () => {
  server?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

test('a file keeps mode, owner, group, mtime, content and xattrs (user.* and security.selinux)', async () => {
  const st = await fs.lstat(d('/etc/demo/demo.conf'));
  assert.is(st.mode & 0o7777, 0o640);
  assert.is(st.uid, 1234);
  assert.is(st.gid, 5678);
  assert.is(st.mtimeMs, PAST.getTime());
  assert.is(await fs.readFile(d('/etc/demo/demo.conf'), 'utf8'), 'MESSAGE=hi\n');
  assert.is(await xattr(d('/etc/demo/demo.conf'), 'user.test'), 'hello');
  assert.is(await xattr(d('/etc/demo/demo.conf'), 'security.selinux'), 'system_u:object_r:demo_etc_t:s0');
});

test('a dir rebuilt around skipped children keeps mode 0750, its mtime and its xattrs', async () => {
  const st = await fs.lstat(d('/etc/demo'));
  assert.ok(st.isDirectory());
  assert.is(st.mode & 0o7777, 0o750);
  assert.is(st.mtimeMs, PAST.getTime());
  assert.is(await xattr(d('/etc/demo'), 'user.dir'), 'kept');
});

test('an absolute symlink to /etc/shadow is copied as a symlink; shadow itself is not copied', async () => {
  const st = await fs.lstat(d('/etc/demo/shadow-link'));
  assert.ok(st.isSymbolicLink());
  assert.is(await fs.readlink(d('/etc/demo/shadow-link')), '/etc/shadow');
  assert.not.ok(await exists(d('/etc/shadow')));
});

test('a relative symlink keeps its target text', async () => {
  assert.is(await fs.readlink(d('/etc/demo/rel-link')), 'demo.conf');
});

test('hard links stay one inode: among siblings of a rebuilt dir, and across a plain whole copy', async () => {
  const [a, b] = await Promise.all([fs.lstat(d('/etc/demo/hard1')), fs.lstat(d('/etc/demo/hard2'))]);
  assert.is(a.ino, b.ino);
  assert.is(a.nlink, 2);
  const [c, e] = await Promise.all([fs.lstat(d('/var/lib/demo/db/a')), fs.lstat(d('/var/lib/demo/a-link'))]);
  assert.is(c.ino, e.ino);
});

test('fifo and socket are skipped, and said so', async () => {
  assert.not.ok(await exists(d('/etc/demo/fifo')));
  assert.not.ok(await exists(d('/etc/demo/sock')));
  const why = new Map(result.skipped.map((s) => [s.path, s.reason]));
  assert.is(why.get('/etc/demo/fifo'), 'fifo: never copied');
  assert.is(why.get('/etc/demo/sock'), 'socket: never copied');
});

test('excludes inside a whole dir are honoured, and the rest of their parent is copied', async () => {
  assert.not.ok(await exists(d('/etc/demo/private')));
  assert.not.ok(await exists(d('/etc/demo/sub/drop')));
  assert.is(await fs.readFile(d('/etc/demo/sub/keep'), 'utf8'), 'keep');
  const why = new Map(result.skipped.map((s) => [s.path, s.reason]));
  assert.is(why.get('/etc/demo/private'), '--exclude /etc/demo/private');
  assert.is(why.get('/etc/demo/sub/drop'), '--exclude /etc/demo/sub/drop');
});

test('an entry inside an excluded dir is copied alone; its parent made like the host\'s', async () => {
  assert.is(await fs.readFile(d('/etc/demo/cache/keep'), 'utf8'), 'kept');
  assert.not.ok(await exists(d('/etc/demo/cache/big')));
  const st = await fs.lstat(d('/etc/demo/cache'));
  assert.is(st.mode & 0o7777, 0o710);
  assert.is(st.mtimeMs, OLDER.getTime());
});

test('parents are made with the host parents\' owner, mode and mtime', async () => {
  const st = await fs.lstat(d('/etc/logrotate.d'));
  assert.is(st.mode & 0o7777, 0o700);
  assert.is(st.uid, 42);
  assert.is(st.gid, 43);
  assert.is(st.mtimeMs, OLDER.getTime());
  assert.is((await fs.lstat(d('/etc'))).mtimeMs, OLDER.getTime());
  assert.is(await fs.readFile(d('/etc/logrotate.d/demo'), 'utf8'), 'rotate\n');
  assert.ok(result.madeDirs.includes('/etc/logrotate.d'));
});

test('a symlink at the top of a whole entry is copied as the symlink', async () => {
  assert.ok((await fs.lstat(d('/var/log/demo'))).isSymbolicLink());
  assert.is(await fs.readlink(d('/var/log/demo')), '/etc/demo');
});

test('a plain whole dir keeps its mtime', async () => {
  assert.is((await fs.lstat(d('/var/lib/demo'))).mtimeMs, PAST.getTime());
});

test('progress: one report per entry; the result lists what was copied', () => {
  assert.equal(progress.map((p) => `${p.done}/${p.total} ${p.path}`), [
    '1/5 /etc/demo',
    '2/5 /etc/demo/cache/keep',
    '3/5 /etc/logrotate.d/demo',
    '4/5 /var/lib/demo',
    '5/5 /var/log/demo',
  ]);
  assert.equal(result.copied.map((c) => c.path), ['/etc/demo', '/etc/demo/cache/keep', '/etc/logrotate.d/demo', '/var/lib/demo', '/var/log/demo']);
});

test('every copied entry matches the host in type, mode, owner, size, mtime, target and digest', async () => {
  // read with find and sha256sum, not with the code under test
  const copy = findListing(dest);
  const host = findListing(root);
  assert.ok(copy.size >= 15, `${copy.size} entries copied`);
  for (const [rel, entry] of copy) assert.equal(entry, host.get(rel), rel);
});

test('names with bytes that are not UTF-8, side by side in one directory, are each copied', async () => {
  // \xfd starts a six-byte character in UTF-8: a shell reading names in a UTF-8 locale swallowed the NUL after it
  const host = path.join(tmp, 'host3');
  const into = path.join(tmp, 'dest3');
  await fs.mkdir(path.join(host, 'srv/d'), { recursive: true });
  const odd = Buffer.from('x\xfd', 'latin1');
  await fs.writeFile(Buffer.concat([Buffer.from(path.join(host, 'srv/d') + '/'), odd]), 'odd');
  await fs.writeFile(path.join(host, 'srv/d/plain'), 'plain');
  await fs.writeFile(path.join(host, 'srv/d/zz'), 'zz');
  const oddName = '/srv/d/x\udcfd';
  await copyPlan(makePaths(host), { entries: [oddName, '/srv/d/plain', '/srv/d/zz'].map((p) => ({ path: p, how: 'entry' as const })) }, into);
  const names = (await fs.readdir(path.join(into, 'srv/d'), { encoding: 'buffer' })).map((b) => b.toString('latin1')).sort();
  assert.equal(names, ['plain', 'x\xfd', 'zz']);
});

test('file entries that are hard links of each other on the host are copied as separate files, in their own directories', async () => {
  const host = path.join(tmp, 'host4');
  const into = path.join(tmp, 'dest4');
  await fs.mkdir(path.join(host, 'etc/a'), { recursive: true });
  await fs.mkdir(path.join(host, 'srv/b'), { recursive: true });
  await fs.writeFile(path.join(host, 'etc/a/one'), 'one');
  await fs.link(path.join(host, 'etc/a/one'), path.join(host, 'srv/b/two'));
  await fs.link(path.join(host, 'etc/a/one'), path.join(host, 'etc/a/three'));
  await copyPlan(makePaths(host), { entries: ['/etc/a/one', '/srv/b/two', '/etc/a/three'].map((p) => ({ path: p, how: 'entry' as const })) }, into);
  const inodes = await Promise.all(['etc/a/one', 'srv/b/two', 'etc/a/three'].map(async (f) => (await fs.lstat(path.join(into, f))).ino));
  assert.is(new Set(inodes).size, 3, 'three inodes');
  assert.is(await fs.readFile(path.join(into, 'srv/b/two'), 'utf8'), 'one');
  const copied = findListing(into);
  const orig = findListing(host);
  for (const f of ['etc/a/one', 'srv/b/two', 'etc/a/three', 'etc/a', 'srv/b']) assert.equal(copied.get(f), orig.get(f), f);
});

test('a copy that fails names its entry; what comes after it is not copied', async () => {
  const host = path.join(tmp, 'host2');
  const into = path.join(tmp, 'dest2');
  await fs.mkdir(path.join(host, 'srv/a'), { recursive: true });
  await fs.writeFile(path.join(host, 'srv/a/file'), 'a');
  await fs.mkdir(path.join(host, 'srv/b'), { recursive: true });
  await fs.writeFile(path.join(host, 'srv/b/f'), 'b');
  // where the directory /srv/a goes, a file is in the way: cp refuses
  await fs.mkdir(path.join(into, 'srv'), { recursive: true });
  await fs.writeFile(path.join(into, 'srv/a'), 'in the way');
  const e = await copyPlan(makePaths(host), { entries: [{ path: '/srv/a', how: 'whole' }, { path: '/srv/b/f', how: 'entry' }] }, into).then(
    () => undefined,
    (x: Error) => x,
  );
  assert.match(String(e?.message), /^copying \/srv\/a failed: cp: .*non-directory/);
  assert.is(await exists(path.join(into, 'srv/b/f')), false);
});

test.run();
