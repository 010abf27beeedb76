// copyTree on a temp tree holding what a sandbox's tree can hold (and what a
// hostile service can put there), checked with lstat, getfattr and the
// manifest; then a racer swapping a directory for a link to a "host"
// directory while trees are copied: nothing of the host may reach the copy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../../src/exec.js';
import { copyTree, utimeSeconds, type TreeCopyResult } from '../../../src/clone/copy-tree.js';
import { fsPath } from '../../../src/payload/bytes.js';
import { buildManifest } from '../../../src/payload/manifest.js';
import { walkTree } from '../../../src/payload/walk.js';

const RACER = fileURLToPath(new URL('../../../../test/integration/fixtures/racer.py', import.meta.url));
let tmp = '';
let src = '';
let dest = '';
let server: net.Server;
let result: TreeCopyResult;
const s = (p: string) => path.join(src, p);
const d = (p: string) => path.join(dest, p);

async function sh(cmd: string, ...args: string[]): Promise<string> {
  const r = await run(cmd, args);
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const xattr = async (file: string, name: string) => (await run('getfattr', ['-h', '--absolute-names', '--only-values', '-n', name, file])).stdout;

test.before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-clone-copy-'));
  src = path.join(tmp, 'src');
  dest = path.join(tmp, 'dest');
  await fs.mkdir(s('/etc/demo/sub'), { recursive: true });
  await fs.mkdir(s('/var/lib/demo/empty'), { recursive: true });
  await fs.writeFile(s('/etc/demo/demo.conf'), 'conf\n');
  await fs.writeFile(s('/etc/demo/sub/secret'), 'mine');
  await fs.chown(s('/etc/demo/sub/secret'), 1234, 5678);
  await fs.chmod(s('/etc/demo/sub/secret'), 0o640);
  await fs.writeFile(s('/var/lib/demo/tool'), '#!/bin/sh\n');
  await fs.chown(s('/var/lib/demo/tool'), 0, 5678);
  await fs.chmod(s('/var/lib/demo/tool'), 0o2755);
  await sh('setcap', 'cap_net_bind_service=ep', s('/var/lib/demo/tool'));
  await sh('setfattr', '-n', 'user.note', '-v', 'kept', s('/etc/demo/demo.conf'));
  await sh('setfattr', '-n', 'security.selinux', '-v', 'system_u:object_r:old_t:s0:c1,c2', s('/etc/demo/demo.conf'));
  // hard links across directories stay one file
  await fs.writeFile(s('/var/lib/demo/data'), 'shared');
  await fs.link(s('/var/lib/demo/data'), s('/etc/demo/sub/data-link'));
  // links out of the tree are copied as links, never followed
  await fs.symlink('/etc/passwd', s('/etc/demo/passwd-link'));
  await fs.symlink('/', s('/var/lib/demo/root-link'));
  // special files: never copied, reported
  await sh('mkfifo', s('/var/lib/demo/fifo'));
  await sh('mknod', s('/var/lib/demo/null-dev'), 'c', '1', '3');
  server = net.createServer();
  await new Promise<void>((resolve) => server.listen(s('/var/lib/demo/sock'), resolve));
  // a name that is not UTF-8
  await fs.writeFile(Buffer.from(s('/var/lib/demo/') + 'caf\xff', 'latin1'), 'raw');
  await fs.utimes(s('/etc/demo/sub'), new Date('2020-02-03T04:05:06Z'), new Date('2020-02-03T04:05:06Z'));
  await fs.mkdir(dest, { mode: 0o700 });
  result = await copyTree(src, dest);
});

test.after(async () => {
  server?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

test('every entry but the special files is copied, with type, mode, owner, size, content and times (to the microsecond)', async () => {
  // Times from lstat in nanoseconds: the manifest's milliseconds are a double, too coarse to compare microseconds.
  const us = async (top: string, rel: string) => (await fs.lstat(fsPath(path.join(top, rel)), { bigint: true })).mtimeNs / 1000n;
  const strip = (m: Awaited<ReturnType<typeof buildManifest>>) => m.map(({ mtime: _, ...r }) => r);
  const source = (await buildManifest(src)).filter((r) => !['fifo', 'socket', 'char', 'block'].includes(r.type));
  const copied = await buildManifest(dest);
  assert.equal(strip(copied), strip(source));
  for (const r of source) assert.is(await us(dest, r.path), await us(src, r.path), `mtime of ${r.path}`);
  assert.is(result.entries, source.length + 1);
});

test('a time set from nanoseconds lands on its own microsecond, whatever the double rounding, before 1970 too', async () => {
  const file = path.join(tmp, 'times');
  await fs.writeFile(file, '');
  // The microsecond at or below ns (BigInt division truncates towards zero).
  const floorUs = (ns: bigint) => (ns >= 0n ? ns / 1000n : -((-ns + 999n) / 1000n)) * 1000n;
  for (let i = 0; i < 1000; i++) {
    const sign = i % 2 ? -1n : 1n;
    const ns = sign * (BigInt(Math.floor(Math.random() * (i % 2 ? 2e9 : 4e9))) * 1_000_000_000n + BigInt(Math.floor(Math.random() * 1e9)));
    await fs.lutimes(file, utimeSeconds(ns), utimeSeconds(ns));
    assert.is((await fs.lstat(file, { bigint: true })).mtimeNs, floorUs(ns), `ns ${ns}`);
  }
  for (const ns of [-1n, -999n, -1000n, -1_000_000_000n, -315_619_199_500_000_001n]) {
    await fs.lutimes(file, utimeSeconds(ns), utimeSeconds(ns));
    assert.is((await fs.lstat(file, { bigint: true })).mtimeNs, floorUs(ns), `ns ${ns}`);
  }
});

test('special files are skipped and reported', () => {
  assert.equal(
    result.skipped.map((x) => `${x.path} ${x.reason}`),
    ['/var/lib/demo/fifo fifo: never copied', '/var/lib/demo/null-dev char: never copied', '/var/lib/demo/sock socket: never copied'],
  );
});

test('xattrs and file capabilities are kept, setgid survives the chown, the old label is not copied', async () => {
  assert.is(await xattr(d('/etc/demo/demo.conf'), 'user.note'), 'kept');
  assert.is((await run('getfattr', ['-h', '-n', 'security.selinux', d('/etc/demo/demo.conf')])).exitCode, 1);
  assert.match(await sh('getcap', d('/var/lib/demo/tool')), /cap_net_bind_service=ep/);
  assert.is((await fs.stat(d('/var/lib/demo/tool'))).mode & 0o7777, 0o2755);
  const st = await fs.stat(d('/etc/demo/sub/secret'));
  assert.equal([st.uid, st.gid, st.mode & 0o777], [1234, 5678, 0o640]);
});

test('hard links stay links; symlinks stay symlinks, pointing where they pointed', async () => {
  const [a, b] = await Promise.all([fs.stat(d('/var/lib/demo/data')), fs.stat(d('/etc/demo/sub/data-link'))]);
  assert.is(a.ino, b.ino);
  assert.is(await fs.readlink(d('/etc/demo/passwd-link')), '/etc/passwd');
  assert.is(await fs.readlink(d('/var/lib/demo/root-link')), '/');
  assert.ok((await fs.lstat(d('/var/lib/demo/root-link'))).isSymbolicLink());
});

test('a racer swapping a directory for a link to a host directory never gets the host into the copy', async () => {
  const host = path.join(tmp, 'host');
  await fs.mkdir(path.join(host, 'deep'), { recursive: true });
  await fs.writeFile(path.join(host, 'HOST-SECRET'), 'host');
  await fs.writeFile(path.join(host, 'deep', 'HOST-SECRET'), 'host');
  const tree = path.join(tmp, 'raced');
  // a/b/c: each level swapped with a link to the host directory
  await fs.mkdir(path.join(tree, 'a', 'b', 'c'), { recursive: true });
  for (const [dir, link] of [['a', 'la'], ['a/b', 'a/lb'], ['a/b/c', 'a/b/lc']] as const) {
    await fs.writeFile(path.join(tree, dir, 'mine'), 'mine');
    await fs.symlink(host, path.join(tree, link));
  }
  const racer = spawn('python3', [RACER, ...['a', 'la', 'a/b', 'a/lb', 'a/b/c', 'a/b/lc'].map((p) => path.join(tree, p))], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 40; i++) {
      const to = path.join(tmp, `raced-copy-${i}`);
      await fs.mkdir(to);
      await copyTree(tree, to);
      const names = (await walkTree(to)).filter((e) => !e.stats.isSymbolicLink()).map((e) => path.basename(e.rel));
      assert.not.ok(names.includes('HOST-SECRET'), `copy ${i}: ${names.join(' ')}`);
      await fs.rm(to, { recursive: true });
    }
  } finally {
    racer.kill('SIGKILL');
  }
  assert.is(await fs.readFile(path.join(host, 'HOST-SECRET'), 'utf8'), 'host');
});

test.run();
