// Upgrade writes into a tree the sandbox can change while it runs
// (src/upgrade/inside.ts). Checked from outside, on a temp root: a directory
// swapped for a link to a "host" directory after the check cannot lead a read,
// a backup link, a rename, a mkdir or a removal out of the tree, neither once
// (deterministic) nor under a racer swapping it round and round; and the
// sandbox's file is read only when it is a regular file of sane size, and
// anything else is never opened (a fifo's writer stays blocked).
import { spawn, execFileSync } from 'node:child_process';
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makePaths } from '../../../src/paths.js';
import { UPGRADE_PARTS, upgradeDir } from '../../../src/layout.js';
import { applyStep, takeUpgrade, undoStep, type Journal, type Step } from '../../../src/upgrade/journal.js';
import { holdParent, linkOut, MAX_MERGE_BYTES, readInside } from '../../../src/upgrade/inside.js';

const RACER = fileURLToPath(new URL('../../../../test/integration/fixtures/racer.py', import.meta.url));
const CONTEXT = 'system_u:object_r:container_file_t:s0:c1,c2';

/** A "host" directory with one file, and how to list everything in it. */
async function hostDir(root: string) {
  const host = path.join(root, 'host');
  await fs.mkdir(host);
  await fs.writeFile(path.join(host, 'app.conf'), 'HOST\n');
  const snapshot = async () => {
    const names = (await fs.readdir(host)).sort();
    return { names, text: await fs.readFile(path.join(host, 'app.conf'), 'utf8').catch(() => 'gone') };
  };
  return { host, snapshot };
}

test('a parent swapped for a link after it was held: the rename lands in the held directory, not the host', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sbx-inside-'));
  const { host, snapshot } = await hostDir(root);
  const tree = path.join(root, 'tree');
  await fs.mkdir(path.join(tree, 'etc/app'), { recursive: true });
  const held = await holdParent(tree, '/etc/app/app.conf');
  assert.ok(held !== 'missing');
  // the sandbox moves its directory away and plants a link to the host's in its place
  await fs.rename(path.join(tree, 'etc/app'), path.join(tree, 'etc/moved'));
  await fs.symlink(host, path.join(tree, 'etc/app'));
  const staged = path.join(root, 'staged');
  await fs.writeFile(staged, 'UPGRADE\n');
  await fs.rename(staged, held.at);
  await held.close();
  assert.equal(await snapshot(), { names: ['app.conf'], text: 'HOST\n' });
  assert.is(await fs.readFile(path.join(tree, 'etc/moved/app.conf'), 'utf8'), 'UPGRADE\n');
  // held afresh, the link is refused
  const refused = await holdParent(tree, '/etc/app/app.conf').then(() => 'held', (e: Error) => e.message);
  assert.match(refused, /not a directory \(a link\?\)/);
  await fs.rm(root, { recursive: true, force: true });
});

test('the sandbox file is read only when it is a regular file no larger than the limit', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sbx-inside-'));
  const tree = path.join(root, 'tree');
  await fs.mkdir(path.join(tree, 'etc'), { recursive: true });
  await fs.writeFile(path.join(tree, 'etc/plain'), 'mine\n');
  await fs.symlink('/etc/passwd', path.join(tree, 'etc/link'));
  execFileSync('mkfifo', [path.join(tree, 'etc/fifo')]);
  await fs.writeFile(path.join(tree, 'etc/big'), Buffer.alloc(MAX_MERGE_BYTES + 1, 'x'));
  const plain = await readInside(tree, '/etc/plain');
  assert.is(plain.bytes?.toString(), 'mine\n');
  assert.is(plain.mine.kind, 'file');
  assert.equal((await readInside(tree, '/etc/link')).mine, { kind: 'other', what: 'symbolic link' });
  // A writer blocks in open(2) until a reader opens the fifo: it stays blocked, so the fifo was never opened.
  const writer = spawn('sh', ['-c', 'echo x > "$0"', path.join(tree, 'etc/fifo')], { stdio: 'ignore' });
  const wrote = new Promise<boolean>((resolve) => writer.on('exit', () => resolve(true)));
  await new Promise((r) => setTimeout(r, 300)); // the writer is in open(2) by then
  assert.equal((await readInside(tree, '/etc/fifo')).mine, { kind: 'other', what: 'special file' });
  assert.is(await Promise.race([wrote, new Promise<boolean>((r) => setTimeout(() => r(false), 500))]), false, 'readInside opened the fifo');
  writer.kill('SIGKILL');
  assert.equal((await readInside(tree, '/etc/big')).mine, { kind: 'other', what: 'file larger than 8 MiB' });
  assert.equal((await readInside(tree, '/etc/none/x')).mine, { kind: 'missing' });
  await fs.rm(root, { recursive: true, force: true });
});

test('a racer swapping the directory for a link to the host: no upgrade step ever reaches the host', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sbx-inside-'));
  const { host, snapshot } = await hostDir(root);
  const paths = makePaths(root);
  const tree = path.join(paths.stateDir, 'r1');
  await fs.mkdir(path.join(tree, 'etc/app'), { recursive: true });
  await fs.writeFile(path.join(tree, 'etc/app/app.conf'), 'mine\n');
  await fs.symlink(host, path.join(tree, 'etc/link'));
  const j: Journal = { pid: process.pid, name: 'r1', tree: '/var/lib/sandbox/r1', fileContext: CONTEXT, phase: 'prepared', steps: [] };
  await takeUpgrade(paths, j);
  const work = upgradeDir(paths, 'r1');
  for (const d of [UPGRADE_PARTS.staged, UPGRADE_PARTS.backups]) await fs.mkdir(path.join(work, d));
  const racer = spawn('python3', [RACER, path.join(tree, 'etc/app'), path.join(tree, 'etc/link')], { stdio: 'ignore' });
  let tried = 0;
  try {
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 300; i++) {
      const staged = path.join(UPGRADE_PARTS.staged, String(i));
      const backup = path.join(UPGRADE_PARTS.backups, String(i));
      await fs.writeFile(path.join(work, staged), `UPGRADE ${i}\n`);
      const steps: Step[] = [
        { kind: 'tree', rel: '/etc/app/app.conf', staged, backup },
        { kind: 'mkdir', rel: `/etc/app/new-${i}`, uid: 0, gid: 0, mode: 0o777 },
      ];
      // each may be refused (the check saw the link) or fail on a vanished name: neither may reach the host
      await linkOut(tree, '/etc/app/app.conf', path.join(work, backup), 'app.conf').catch(() => undefined);
      for (const s of steps) await applyStep(paths, j, s).then(() => tried++, () => undefined);
      for (const s of steps.reverse()) await undoStep(paths, j, s).catch(() => undefined);
      await fs.rm(path.join(work, staged), { force: true });
      await fs.rm(path.join(work, backup), { force: true });
      const r = await readInside(tree, '/etc/app/app.conf').catch(() => undefined);
      assert.not.ok(r?.bytes?.toString().includes('HOST'), `read ${i} reached the host's file`);
      assert.equal(await snapshot(), { names: ['app.conf'], text: 'HOST\n' }, `after round ${i}`);
    }
  } finally {
    racer.kill('SIGKILL');
  }
  assert.ok(tried > 0, 'no step ever ran: the racer test tested nothing');
  assert.equal(await snapshot(), { names: ['app.conf'], text: 'HOST\n' });
  await fs.rm(root, { recursive: true, force: true });
});

test.run();
