// The payload rule on real packages: apache2 from the host's dpkg database
// with the host's lstat types, and the sbxdemo RPM installed into a temp root.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePaths, isInside, type Paths } from '../../../src/paths.js';
import { dpkgManager } from '../../../src/packages/dpkg.js';
import { rpmManager } from '../../../src/packages/rpm.js';
import type { PackageManager } from '../../../src/packages/types.js';
import { describeHostPaths } from '../../../src/payload/host-entries.js';
import { planPayload, type PayloadInput } from '../../../src/payload/rules.js';
import { buildFixtureRpm, installFixtureRpm } from '../../fixtures/rpm/build.js';

const host = makePaths('/');

async function packageInput(paths: Paths, manager: PackageManager, pkg: string): Promise<PayloadInput> {
  const files = await manager.files(pkg);
  return { packageFiles: describeHostPaths(paths, files.map((f) => f.path), pkg) };
}

const wholes = (entries: { path: string; how: string }[]) => entries.filter((e) => e.how === 'whole').map((e) => e.path);
const singles = (entries: { path: string; how: string }[]) => entries.filter((e) => e.how === 'entry').map((e) => e.path);

test('apache2: its own dirs whole, its entries in shared dirs, nothing else', async () => {
  const p = planPayload(await packageInput(host, dpkgManager(host), 'apache2'));
  assert.equal(wholes(p.entries), ['/etc/apache2', '/var/cache/apache2', '/var/lib/apache2', '/var/log/apache2', '/var/www']);
  for (const e of ['/etc/logrotate.d/apache2', '/etc/default/apache-htcacheclean', '/etc/cron.daily/apache2', '/etc/init.d/apache2']) {
    assert.ok(singles(p.entries).includes(e), e);
  }
  for (const e of p.entries) {
    assert.ok(isInside('/etc', e.path) || isInside('/var', e.path), e.path);
    assert.not.ok(['/etc', '/var', '/var/lib', '/var/log', '/var/cache', '/etc/default', '/etc/init.d'].includes(e.path), e.path);
    assert.not.ok(isInside('/run', e.path) || isInside('/var/run', e.path), e.path);
    assert.ok(e.reason.startsWith('apache2: '), e.reason);
    // nothing below a whole entry has a line of its own
    assert.not.ok(wholes(p.entries).some((w) => w !== e.path && isInside(w, e.path)), e.path);
  }
  assert.ok(p.entries.length > 1, 'entries planned');
  assert.ok(p.entries.every((e, i, a) => i === 0 || a[i - 1]!.path < e.path), 'sorted');
  assert.equal(p.excludes, []);
  assert.equal(p.toCreate, []);
});

test('apache2 with the admin\'s --exclude and --copy', async () => {
  const input = await packageInput(host, dpkgManager(host), 'apache2');
  const p = planPayload({
    ...input,
    exclude: ['/etc/apache2/sites-enabled', '/var/www', '/etc/cron.daily/apache2'],
    copy: describeHostPaths(host, ['/etc/hostname']),
  });
  assert.equal(wholes(p.entries), ['/etc/apache2', '/var/cache/apache2', '/var/lib/apache2', '/var/log/apache2']);
  assert.ok(singles(p.entries).includes('/etc/hostname'));
  assert.not.ok(singles(p.entries).includes('/etc/cron.daily/apache2'));
  assert.equal(p.excludes, ['/etc/apache2/sites-enabled']);
});

test('sbxdemo (rpm, temp root): its dirs whole, its logrotate file an entry', async () => {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-rules-rpm-'));
  try {
    const root = path.join(tmp, 'root');
    await installFixtureRpm(await buildFixtureRpm(path.join(tmp, 'build')), root);
    const paths = makePaths(root);
    const p = planPayload(await packageInput(paths, rpmManager(paths), 'sbxdemo'));
    assert.equal(p.entries.map((e) => `${e.how} ${e.path}`), [
      'entry /etc/logrotate.d/sbxdemo',
      'whole /etc/sbxdemo',
      'whole /var/lib/sbxdemo',
      'whole /var/log/sbxdemo',
    ]);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
});

test.run();
