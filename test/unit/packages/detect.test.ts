// Detecting usable managers and finding owners on the real host (Debian: dpkg
// has a database, rpm is installed but has none here).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePaths } from '../../../src/paths.js';
import { pathAliases } from '../../../src/packages/aliases.js';
import { detectManagers, findOwners } from '../../../src/packages/detect.js';

const host = makePaths('/');

test('dpkg is usable on the host', async () => {
  assert.ok((await detectManagers(host)).some((m) => m.name === 'dpkg'));
});

test('findOwners: apache2.service under either name of the merged /usr', async () => {
  for (const p of ['/lib/systemd/system/apache2.service', '/usr/lib/systemd/system/apache2.service']) {
    const owners = await findOwners(host, p);
    assert.equal(owners.map((o) => [o.manager.name, o.package]), [['dpkg', 'apache2']], p);
  }
});

test('findOwners: an unowned path → []', async () => {
  assert.equal(await findOwners(host, '/etc/sbx-not-owned'), []);
});

test('pathAliases: only across a merged /usr of the root itself', async () => {
  assert.equal(await pathAliases(host, '/usr/lib/x/y'), ['/usr/lib/x/y', '/lib/x/y']);
  assert.equal(await pathAliases(host, '/lib/x'), ['/lib/x', '/usr/lib/x']);
  assert.equal(await pathAliases(host, '/etc/x'), ['/etc/x']);
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-alias-'));
  try {
    await fs.mkdir(path.join(tmp, 'lib'));
    assert.equal(await pathAliases(makePaths(tmp), '/usr/lib/x'), ['/usr/lib/x'], 'a real /lib is not an alias');
    await fs.symlink('usr/sbin', path.join(tmp, 'sbin'));
    assert.equal(await pathAliases(makePaths(tmp), '/sbin/x'), ['/sbin/x', '/usr/sbin/x']);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
});

test('a root with no database at all: no manager, no owners', async () => {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-detect-'));
  try {
    assert.equal(await detectManagers(makePaths(tmp)), []);
    assert.equal(await findOwners(makePaths(tmp), '/etc/apache2/apache2.conf'), []);
    assert.equal(await fs.readdir(tmp), []);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
});

test.run();
