// The journal of an upgrade (src/upgrade/journal.ts) on a temp root: its steps
// put staged files, a new directory, the new base and the record in place, and
// taking them back (after all of them, or after none, as recovery may) leaves
// everything as it was. A second upgrade of the same sandbox is refused.
import { promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makePaths } from '../../../src/paths.js';
import { baseDir, recordPath, UPGRADE_PARTS, upgradeDir } from '../../../src/layout.js';
import { applyStep, dropUpgrade, takeUpgrade, undoSteps, type Journal, type Step } from '../../../src/upgrade/journal.js';
import { ConflictError } from '../../../src/errors.js';

const CONTEXT = 'system_u:object_r:container_file_t:s0:c1,c2';

async function setUp() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sbx-journal-'));
  const paths = makePaths(root);
  const tree = path.join(paths.stateDir, 'j1');
  await fs.mkdir(path.join(tree, 'etc/app'), { recursive: true });
  await fs.writeFile(path.join(tree, 'etc/app/app.conf'), 'mine\n');
  await fs.mkdir(path.join(baseDir(paths, 'j1'), 'etc/app'), { recursive: true });
  await fs.writeFile(path.join(baseDir(paths, 'j1'), 'etc/app/app.conf'), 'base 1\n');
  await fs.mkdir(paths.configDir, { recursive: true });
  await fs.writeFile(recordPath(paths, 'j1'), 'record 1\n');
  const j: Journal = { pid: process.pid, name: 'j1', tree: '/var/lib/sandbox/j1', fileContext: CONTEXT, phase: 'preparing', steps: [] };
  await takeUpgrade(paths, j);
  const work = upgradeDir(paths, 'j1');
  for (const d of [UPGRADE_PARTS.staged, UPGRADE_PARTS.backups]) await fs.mkdir(path.join(work, d));
  await fs.writeFile(path.join(work, 'new/0'), 'merged\n');
  await fs.writeFile(path.join(work, 'new/1'), 'added\n');
  await fs.link(path.join(tree, 'etc/app/app.conf'), path.join(work, 'old/0'));
  await fs.mkdir(path.join(work, UPGRADE_PARTS.newBase, 'etc/app'), { recursive: true });
  await fs.writeFile(path.join(work, UPGRADE_PARTS.newBase, 'etc/app/app.conf'), 'base 2\n');
  j.steps = [
    { kind: 'mkdir', rel: '/etc/app/conf.d', uid: process.getuid!(), gid: process.getgid!(), mode: 0o750 },
    { kind: 'tree', rel: '/etc/app/app.conf', staged: 'new/0', backup: 'old/0' },
    { kind: 'tree', rel: '/etc/app/conf.d/added.conf', staged: 'new/1' },
    { kind: 'base' },
    { kind: 'record', content: 'record 2\n', old: 'record 1\n' },
  ] satisfies Step[];
  j.phase = 'prepared';
  const read = (p: string) => fs.readFile(p, 'utf8').catch(() => 'absent');
  const state = async () => [
    await read(path.join(tree, 'etc/app/app.conf')),
    await read(path.join(tree, 'etc/app/conf.d/added.conf')),
    await read(path.join(baseDir(paths, 'j1'), 'etc/app/app.conf')),
    await read(recordPath(paths, 'j1')),
  ];
  return { root, paths, j, tree, state };
}

test('every step applied, then every step taken back: as before', async () => {
  const { root, paths, j, tree, state } = await setUp();
  const before = await state();
  assert.equal(before, ['mine\n', 'absent', 'base 1\n', 'record 1\n']);
  for (const s of j.steps) await applyStep(paths, j, s);
  assert.equal(await state(), ['merged\n', 'added\n', 'base 2\n', 'record 2\n']);
  assert.is((await fs.stat(path.join(tree, 'etc/app/conf.d'))).mode & 0o7777, 0o750);
  const undone = await undoSteps(paths, j, (s) => assert.unreachable(s));
  // what recovery prints through the one formatter: newest first, host paths
  assert.equal(undone.map((c) => `${c.kind} ${c.path}`), [
    'write /etc/sandbox/j1.sandbox',
    'write /var/lib/sandbox/.base/j1',
    'unlink /var/lib/sandbox/j1/etc/app/conf.d/added.conf',
    'write /var/lib/sandbox/j1/etc/app/app.conf',
    'unlink /var/lib/sandbox/j1/etc/app/conf.d',
  ]);
  assert.equal(await state(), before);
  assert.is(await fs.stat(path.join(tree, 'etc/app/conf.d')).catch(() => 'gone'), 'gone');
  await dropUpgrade(paths, 'j1');
  assert.is(await fs.stat(upgradeDir(paths, 'j1')).catch(() => 'gone'), 'gone');
  await fs.rm(root, { recursive: true, force: true });
});

test('killed before the first step or halfway: taking every step back leaves it as before', async () => {
  for (const done of [0, 2, 4]) {
    const { root, paths, j, state } = await setUp();
    const before = await state();
    for (const s of j.steps.slice(0, done)) await applyStep(paths, j, s);
    await undoSteps(paths, j, (s) => assert.unreachable(s));
    assert.equal(await state(), before, `after ${done} steps`);
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('a step never taken is not taken back: a file the sandbox rewrote after the backup was made stays as the sandbox wrote it', async () => {
  const { root, paths, j, tree } = await setUp();
  // The sandbox replaces its file (a new inode) after prepare linked the old one as the backup; the upgrade is then killed before its steps.
  const conf = path.join(tree, 'etc/app/app.conf');
  await fs.writeFile(conf + '.tmp', 'rewritten by the service\n');
  await fs.rename(conf + '.tmp', conf);
  const undone = await undoSteps(paths, j, (s) => assert.unreachable(s));
  assert.is(await fs.readFile(conf, 'utf8'), 'rewritten by the service\n');
  assert.not.ok(undone.some((c) => c.path.endsWith('/etc/app/app.conf')), JSON.stringify(undone));
  await fs.rm(root, { recursive: true, force: true });
});

test('a second upgrade of the same sandbox is refused while the first holds its work directory', async () => {
  const { root, paths, j } = await setUp();
  try {
    await takeUpgrade(paths, j);
    assert.unreachable('taken twice');
  } catch (e) {
    assert.ok(e instanceof ConflictError && /another 'sandbox upgrade j1' is running/.test(e.message));
  }
  await fs.rm(root, { recursive: true, force: true });
});

test.run();
