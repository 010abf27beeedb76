// The rpm backend against a real rpm database: the sbxdemo fixture built with
// rpmbuild and installed into a temp root.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NotFoundError, UnavailableError } from '../../../src/errors.js';
import { makePaths } from '../../../src/paths.js';
import { findOwners } from '../../../src/packages/detect.js';
import { parseFileFlags, rpmManager } from '../../../src/packages/rpm.js';
import { buildFixtureRpm, installFixtureRpm } from '../../fixtures/rpm/build.js';

let tmp = '';
let root = '';

test.before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-rpm-'));
  root = path.join(tmp, 'root');
  await installFixtureRpm(await buildFixtureRpm(path.join(tmp, 'build')), root);
});
test.after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

test('the fixture installs its files under the root', async () => {
  const conf = await fs.readFile(path.join(root, 'etc/sbxdemo/sbxdemo.conf'), 'utf8');
  assert.match(conf, /^MESSAGE=/m);
  assert.ok((await fs.lstat(path.join(root, 'var/log/sbxdemo'))).isDirectory());
  assert.ok((await fs.lstat(path.join(root, 'usr/lib/systemd/system/sbxdemo.service'))).isFile());
});

test('available with the database under the root', async () => {
  assert.is(await rpmManager(makePaths(root)).available(), true);
});

test('owners of the unit file = [sbxdemo]', async () => {
  const m = rpmManager(makePaths(root));
  assert.equal(await m.owners('/usr/lib/systemd/system/sbxdemo.service'), ['sbxdemo']);
  assert.equal(await m.owners('/etc/sbxdemo'), ['sbxdemo']);
});

test('an unowned path, present or absent, has no owners', async () => {
  const m = rpmManager(makePaths(root));
  assert.equal(await m.owners('/etc/passwd'), []);
  assert.equal(await m.owners('/etc/sbx-no-such-file'), []);
});

test('several names of one file: the owners of the first name listed', async () => {
  const m = rpmManager(makePaths(root));
  assert.equal(await m.owners(['/lib/systemd/system/sbxdemo.service', '/usr/lib/systemd/system/sbxdemo.service']), ['sbxdemo']);
  assert.equal(await m.owners(['/etc/passwd', '/etc/sbx-no-such-file']), []);
});

test('files(sbxdemo): the config is a conffile, the binary is not', async () => {
  const files = await rpmManager(makePaths(root)).files('sbxdemo');
  const byPath = new Map(files.map((f) => [f.path, f.conffile]));
  assert.is(byPath.get('/etc/sbxdemo/sbxdemo.conf'), true);
  assert.is(byPath.get('/etc/logrotate.d/sbxdemo'), true);
  assert.is(byPath.get('/usr/bin/sbxdemo'), false);
  assert.is(byPath.get('/var/lib/sbxdemo'), false);
  assert.ok(byPath.has('/var/log/sbxdemo'));
});

test('an unknown package → NotFoundError; installed() tells', async () => {
  const m = rpmManager(makePaths(root));
  try {
    await m.files('sbx-no-such-package');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, NotFoundError);
  }
  assert.is(await m.installed('sbxdemo'), true);
  assert.is(await m.installed('sbx-no-such-package'), false);
});

test('findOwners on the root finds rpm and only rpm', async () => {
  const owners = await findOwners(makePaths(root), '/usr/lib/systemd/system/sbxdemo.service');
  assert.equal(owners.map((o) => [o.manager.name, o.package]), [['rpm', 'sbxdemo']]);
});

test('a root without a database: unusable, owns nothing, and asking creates nothing', async () => {
  const empty = path.join(tmp, 'empty');
  await fs.mkdir(empty);
  const m = rpmManager(makePaths(empty));
  assert.is(await m.available(), false);
  assert.equal(await m.owners('/etc/sbxdemo'), []);
  assert.is(await m.installed('sbxdemo'), false);
  try {
    await m.files('sbxdemo');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, NotFoundError);
  }
  assert.equal(await fs.readdir(empty), []);
});

test('rpm missing → UnavailableError naming it; available() is false', async () => {
  const saved = process.env.PATH;
  process.env.PATH = path.join(tmp, 'empty-bin');
  try {
    assert.is(await rpmManager(makePaths(root)).available(), false);
    try {
      await rpmManager(makePaths(root)).owners('/etc/sbxdemo');
      assert.unreachable();
    } catch (e) {
      assert.instance(e, UnavailableError);
      assert.match((e as Error).message, /\brpm\b/);
    }
  } finally {
    process.env.PATH = saved;
  }
});

test('parseFileFlags: %config bit, multilib duplicates merged', () => {
  const text = '/etc/a\t17\n/usr/bin/a\t0\n/etc/a\t0\n/var/lib/a\t64\n';
  assert.equal(parseFileFlags(text), [
    { path: '/etc/a', conffile: true },
    { path: '/usr/bin/a', conffile: false },
    { path: '/var/lib/a', conffile: false },
  ]);
});

test.run();
