// Labelling a tree in one setfattr batch: every entry gets the context, a
// symlink is labelled itself, and what a symlink points to outside is untouched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../../src/exec.js';
import { SandboxError } from '../../../src/errors.js';
import { labelTree, readLabels } from '../../../src/payload/label.js';
import { findListing, getfattrLabel } from './find-listing.js';

const CTX = 'system_u:object_r:svirt_sandbox_file_t:s0:c1,c2';
const OUTSIDE_CTX = 'system_u:object_r:etc_t:s0';
let tmp = '';
let tree = '';
let outside = '';

async function label(file: string): Promise<string | undefined> {
  const r = await run('getfattr', ['-h', '--absolute-names', '--only-values', '-n', 'security.selinux', file]);
  return r.exitCode === 0 ? r.stdout.replace(/\0$/, '') : undefined;
}

test.before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-label-'));
  tree = path.join(tmp, 'tree');
  outside = path.join(tmp, 'outside.conf');
  await fs.writeFile(outside, 'not ours\n');
  await run('setfattr', ['-n', 'security.selinux', '-v', OUTSIDE_CTX, outside]);
  await fs.mkdir(path.join(tree, 'etc/demo/sub'), { recursive: true });
  await fs.writeFile(path.join(tree, 'etc/demo/demo.conf'), 'x');
  await fs.writeFile(path.join(tree, 'etc/demo/new\nline \\ é'), 'x');
  await fs.symlink(outside, path.join(tree, 'etc/demo/to-outside'));
  await fs.symlink('../../../outside.conf', path.join(tree, 'etc/demo/sub/relative-to-outside'));
  await fs.symlink('demo.conf', path.join(tree, 'etc/demo/to-inside'));
  await fs.symlink('/nonexistent', path.join(tree, 'etc/demo/dangling'));
});
test.after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

test('every entry, the top and odd names included, gets the context; readLabels reports them all', async () => {
  const n = await labelTree(tree, CTX);
  // what find and getfattr see, not what the code under test reports
  const entries = [tree, ...[...findListing(tree).keys()].map((rel) => path.join(tree, rel))];
  assert.is(entries.length, 10);
  assert.is(n, entries.length);
  for (const e of entries) assert.is(getfattrLabel(e), CTX, e);
  const labels = await readLabels(tree);
  assert.equal([...labels.keys()].sort(), entries.sort());
  for (const [p, ctx] of labels) assert.is(ctx, CTX, p);
});

test('symlinks are labelled themselves; targets outside the tree are untouched', async () => {
  for (const l of ['etc/demo/to-outside', 'etc/demo/sub/relative-to-outside', 'etc/demo/dangling']) {
    assert.is(await label(path.join(tree, l)), CTX, l);
  }
  assert.is(await label(outside), OUTSIDE_CTX);
  assert.not.ok((await fs.readdir(tmp)).includes('nonexistent'));
});

test('relabelling replaces the old context', async () => {
  await labelTree(tree, 'system_u:object_r:other_t:s0');
  const entries = [tree, ...[...findListing(tree).keys()].map((rel) => path.join(tree, rel))];
  assert.is(entries.length, 10);
  for (const e of entries) assert.is(getfattrLabel(e), 'system_u:object_r:other_t:s0', e);
  assert.is(await label(outside), OUTSIDE_CTX);
});

test('stored like setfilecon stores it: with a trailing NUL', async () => {
  const r = await run('getfattr', ['-h', '--absolute-names', '-e', 'hex', '-n', 'security.selinux', path.join(tree, 'etc/demo/demo.conf')]);
  assert.match(r.stdout, /00\n/);
});

test('a context that is not one is refused before anything is written', async () => {
  try {
    await labelTree(tree, 'bad context with spaces');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, SandboxError);
  }
});

test.run();
