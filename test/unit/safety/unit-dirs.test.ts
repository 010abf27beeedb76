// Directories a unit names (StateDirectory= …) on hostile layouts, with --root:
// a link inside the copied tree never makes create build or chown a directory
// where it points, and an admin's relocated directory (/var/lib/foo -> /data/foo)
// is refused, never bound into the sandbox as the host's live target.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { buildFixtureRoot, copyRoot, errorLines, makeTmp, sandbox } from './fixture-root.js';
import { checkConsistent, readRecords } from './invariants.js';
import { diffSnapshots, snapshot } from './tree-snapshot.js';

const work = await makeTmp('unit-dirs');
const fixture = await buildFixtureRoot(work);
const outside = path.join(work, 'outside');
await fs.mkdir(path.join(outside, 'target'), { recursive: true });
await fs.mkdir(path.join(outside, 'data'), { recursive: true });
await fs.writeFile(path.join(outside, 'data', 'live'), 'the host service data\n');
const outsideBefore = await snapshot('/', [outside]);

let n = 0;
/** A copy of the fixture root whose sbxdemo.service has `settings` added to [Service]. */
async function rootWith(settings: string): Promise<string> {
  const root = await copyRoot(fixture, path.join(work, `root-${++n}`));
  const unit = path.join(root, 'usr/lib/systemd/system/sbxdemo.service');
  const text = await fs.readFile(unit, 'utf8');
  await fs.writeFile(unit, text.replace('[Service]\n', `[Service]\n${settings}\n`));
  return root;
}

async function assertNothingWritten(root: string): Promise<void> {
  assert.equal(await readRecords(root), []);
  assert.equal(await checkConsistent(root), []);
  assert.equal(diffSnapshots(outsideBefore, await snapshot('/', [outside])), [], 'something outside the root changed');
}

/** What is left in the state dir besides the label registry (must be nothing). */
async function sandboxDirEntries(root: string): Promise<string[]> {
  return (await fs.readdir(path.join(root, 'var/lib/sandbox')).catch(() => [] as string[])).filter((e) => e !== '.labels');
}

test('a missing StateDirectory= below a link in the tree: refused, nothing made where the link points', async () => {
  const root = await rootWith('StateDirectory=sbxdemo/data/sub');
  await fs.symlink(path.join(outside, 'target'), path.join(root, 'var/lib/sbxdemo/data'));
  const r = await sandbox(root, ['create', '-u', 'sbxdemo.service', 'planted']);
  assert.is(r.code, 1, r.stderr);
  assert.equal(errorLines(r.stderr), [
    `sandbox: cannot create /var/lib/sbxdemo/data/sub in the sandbox: /var/lib/sbxdemo/data is a symbolic link there (to ${path.join(outside, 'target')}); a directory is never made through a link`,
  ]);
  await assertNothingWritten(root);
  assert.equal(await sandboxDirEntries(root), []);
});

test('a StateDirectory= the admin relocated with a link (/var/lib/x -> /data/x): refused, exit 2, nothing written', async () => {
  const root = await rootWith('StateDirectory=sbxmoved');
  await fs.symlink(path.join(outside, 'data'), path.join(root, 'var/lib/sbxmoved'));
  const r = await sandbox(root, ['create', '-u', 'sbxdemo.service', 'moved']);
  assert.is(r.code, 2, r.stderr);
  assert.equal(errorLines(r.stderr), [
    'sandbox: /var/lib/sbxmoved (named by StateDirectory=) is a symbolic link on the host; a sandbox gets its own copy of what its unit names, never what a link points at: make it a directory (or a bind mount) on the host',
  ]);
  await assertNothingWritten(root);
  assert.equal(await sandboxDirEntries(root), []);
});

test('the same directory as a real directory: copied and bound, the drop-in binds the copy', async () => {
  const root = await rootWith('StateDirectory=sbxmoved/sub');
  await fs.mkdir(path.join(root, 'var/lib/sbxmoved'));
  const r = await sandbox(root, ['create', '-u', 'sbxdemo.service', 'plain']);
  assert.is(r.code, 0, r.stderr);
  const made = await fs.lstat(path.join(root, 'var/lib/sandbox/plain/var/lib/sbxmoved/sub'));
  assert.ok(made.isDirectory());
  const dropIn = await fs.readFile(path.join(root, 'etc/systemd/system/sbxdemo@plain.service.d/50-sandbox.conf'), 'utf8');
  assert.match(dropIn, /\/var\/lib\/sandbox\/plain\/var\/lib\/sbxmoved\/sub:\/var\/lib\/sbxmoved\/sub/);
  assert.equal(await checkConsistent(root), []);
});

test.after(async () => {
  assert.equal(diffSnapshots(outsideBefore, await snapshot('/', [outside])), []);
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
