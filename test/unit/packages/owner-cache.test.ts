// The package-owner cache: asked once while the database is unchanged, asked
// again after a package update (never the stale owner), and a cache file
// someone else could write is not believed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePaths } from '../../../src/paths.js';
import { dpkgManager } from '../../../src/packages/dpkg.js';
import { rpmManager } from '../../../src/packages/rpm.js';
import { cachedOwners } from '../../../src/packages/owner-cache.js';
import { ownerCachePath } from '../../../src/layout.js';
import type { PackageManager } from '../../../src/packages/types.js';

let tmp = '';
let root = '';
let admin = '';
const CONF = '/etc/apache2/apache2.conf';

/** The manager, counting the owners() calls that reach it. */
function counting(m: PackageManager): PackageManager & { asked: number } {
  const out = Object.create(m) as PackageManager & { asked: number };
  out.asked = 0;
  out.owners = async (p) => {
    out.asked++;
    return m.owners(p);
  };
  return out;
}

/** Replace a file as dpkg does: write NAME-new, rename it over NAME. */
async function dpkgWrite(file: string, text: string): Promise<void> {
  await fs.writeFile(`${file}-new`, text);
  await fs.rename(`${file}-new`, file);
}

const STANZA = (pkg: string) =>
  `Package: ${pkg}\nStatus: install ok installed\nPriority: optional\nSection: misc\nMaintainer: nobody <nobody@example.org>\nArchitecture: all\nVersion: 1.0\nDescription: test package\n\n`;

test.before.each(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-owner-cache-'));
  root = path.join(tmp, 'root');
  admin = path.join(root, 'var/lib/dpkg');
  await fs.mkdir(path.join(admin, 'info'), { recursive: true });
  await fs.mkdir(path.join(admin, 'updates'), { recursive: true });
  await fs.copyFile('/var/lib/dpkg/status', path.join(admin, 'status'));
  for (const f of ['apache2.list', 'apache2.conffiles']) await fs.copyFile(`/var/lib/dpkg/info/${f}`, path.join(admin, 'info', f));
});
test.after.each(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

test('an unchanged database is asked once; the answer is the manager’s', async () => {
  const m = counting(dpkgManager(makePaths(root)));
  const cache = path.join(tmp, 'cache');
  assert.equal(await cachedOwners(cache, m, [CONF]), ['apache2']);
  assert.equal(await cachedOwners(cache, m, [CONF]), ['apache2']);
  assert.is(m.asked, 1);
  // another name is another question
  assert.equal(await cachedOwners(cache, m, ['/etc/hostname-not-a-package-file']), []);
  assert.is(m.asked, 2);
});

test('after a package update moves the file to another package, the new owner is given, not the cached one', async () => {
  const m = counting(dpkgManager(makePaths(root)));
  const cache = path.join(tmp, 'cache');
  assert.equal(await cachedOwners(cache, m, [CONF]), ['apache2']);
  // what dpkg does when sbx-other takes over apache2.conf (Replaces): lists and status replaced by rename
  const list = (await fs.readFile(path.join(admin, 'info/apache2.list'), 'utf8')).split('\n').filter((l) => l !== CONF).join('\n');
  await dpkgWrite(path.join(admin, 'info/sbx-other.list'), `/.\n/etc\n/etc/apache2\n${CONF}\n`);
  await dpkgWrite(path.join(admin, 'info/apache2.list'), list);
  await dpkgWrite(path.join(admin, 'status'), (await fs.readFile(path.join(admin, 'status'), 'utf8')) + STANZA('sbx-other'));
  assert.equal(await cachedOwners(cache, m, [CONF]), ['sbx-other']);
  assert.is(m.asked, 2);
});

test('a list replaced on its own (the status file untouched) is a change too', async () => {
  const m = dpkgManager(makePaths(root));
  const before = await m.fingerprint!();
  await dpkgWrite(path.join(admin, 'info/apache2.list'), await fs.readFile(path.join(admin, 'info/apache2.list'), 'utf8'));
  assert.is.not(await m.fingerprint!(), before);
});

test('a cache file others could write is not believed', async () => {
  const m = counting(dpkgManager(makePaths(root)));
  const cache = path.join(tmp, 'cache');
  await cachedOwners(cache, m, [CONF]);
  const file = ownerCachePath(cache, 'dpkg');
  // a forged answer in a group-writable file
  const forged = JSON.parse(await fs.readFile(file, 'utf8')) as { owners: Record<string, string[]> };
  for (const k of Object.keys(forged.owners)) forged.owners[k] = ['evil'];
  await fs.writeFile(file, JSON.stringify(forged));
  await fs.chmod(file, 0o664);
  assert.equal(await cachedOwners(cache, m, [CONF]), ['apache2']);
  assert.is(m.asked, 2);
});

test('a manager without a fingerprint is always asked', async () => {
  const inner = dpkgManager(makePaths(root));
  const m = counting({ ...inner, fingerprint: undefined });
  const cache = path.join(tmp, 'cache');
  await cachedOwners(cache, m, [CONF]);
  await cachedOwners(cache, m, [CONF]);
  assert.is(m.asked, 2);
});

test('a query leaves the fingerprint as it was (rpm: sqlite truncates its WAL at every close), or the cache would never hold', async () => {
  for (const m of [dpkgManager(makePaths('/')), rpmManager(makePaths('/'))]) {
    const before = await m.fingerprint!();
    if (before === undefined) continue; // no database of that manager on this machine
    await m.owners(['/lib/systemd/system/apache2.service', '/usr/lib/systemd/system/apache2.service']);
    assert.is(await m.fingerprint!(), before, m.name);
  }
});

test.run();
