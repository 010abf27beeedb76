// create --profile and --allow-dbus on a --root tree with the sbxdemo RPM: the
// profile link in the unit's drop-in directory, the record, list --json, an
// unknown profile refused with nothing written, and delete/doctor treating the
// link as the tool's own (and nobody else's link or file at that name).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildFixtureRoot, copyRoot, errorLines, makeTmp, sandbox } from '../safety/fixture-root.js';
import { diffSnapshots, snapshot } from '../safety/tree-snapshot.js';

const work = await makeTmp('profile');
const fixture = await buildFixtureRoot(work);
// dist/test/unit/create/ → the checkout, where units/profiles/ is
const PROFILES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../../units/profiles');
let n = 0;
const freshRoot = () => copyRoot(fixture, path.join(work, `root${++n}`));
const dropinDir = (root: string, name: string) => path.join(root, `etc/systemd/system/sbxdemo@${name}.service.d`);

const gone = async (p: string) => assert.is(await fs.lstat(p).then(() => 'exists', () => 'gone'), 'gone', p);

async function ok(root: string, args: string[]): Promise<string> {
  const r = await sandbox(root, args);
  assert.is(r.code, 0, `sandbox ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test('--profile bogus: exit 2, one line naming the profiles, nothing written', async () => {
  const root = await freshRoot();
  const before = await snapshot(root);
  const r = await sandbox(root, ['create', '--profile', 'bogus', '-u', 'sbxdemo.service', 'b1']);
  assert.is(r.code, 2, r.stderr);
  const errors = errorLines(r.stderr);
  assert.equal(errors, ['sandbox: --profile bogus: no such profile; use one of default, strict, trusted (shipped in ' + PROFILES + ')']);
  assert.equal(diffSnapshots(before, await snapshot(root)), []);
});

test('default: 40-profile.conf links to units/profiles/default.conf; record and list --json say default; no host D-Bus', async () => {
  const root = await freshRoot();
  await ok(root, ['create', '-u', 'sbxdemo.service', 'd1']);
  const link = path.join(dropinDir(root, 'd1'), '40-profile.conf');
  assert.ok((await fs.lstat(link)).isSymbolicLink());
  assert.is(await fs.readlink(link), path.join(PROFILES, 'default.conf'));
  const record = await fs.readFile(path.join(root, 'etc/sandbox/d1.sandbox'), 'utf8');
  assert.match(record, /^profile=default$/m);
  assert.match(record, /^dbus=none$/m);
  const list = JSON.parse(await ok(root, ['list', '--json'])) as { name: string; profile: string }[];
  assert.equal(list.map((s) => [s.name, s.profile]), [['d1', 'default']]);
  const units = [await fs.readFile(path.join(root, 'etc/systemd/system/sbxdemo@.service'), 'utf8'), await fs.readFile(path.join(dropinDir(root, 'd1'), '50-sandbox.conf'), 'utf8')];
  assert.is(units.length, 2);
  for (const u of units) assert.not.match(u, /\/run\/dbus/);
});

test('--profile strict --allow-dbus: the strict link, the bus bound in the drop-in, both in the record and the dry run', async () => {
  const root = await freshRoot();
  const dry = await ok(root, ['create', '--dry-run', '--profile', 'strict', '--allow-dbus', '-u', 'sbxdemo.service', 's1']);
  assert.match(dry, /^ {2}Profile: {2}strict$/m);
  assert.match(dry, new RegExp(`^---/etc/systemd/system/sbxdemo@s1\\.service\\.d/40-profile\\.conf---\\n-> ${PROFILES}/strict\\.conf$`, 'm'));
  await ok(root, ['create', '--profile', 'strict', '--allow-dbus', '-u', 'sbxdemo.service', 's1']);
  assert.is(await fs.readlink(path.join(dropinDir(root, 's1'), '40-profile.conf')), path.join(PROFILES, 'strict.conf'));
  assert.match(await fs.readFile(path.join(dropinDir(root, 's1'), '50-sandbox.conf'), 'utf8'), /^BindPaths=-\/run\/dbus$/m);
  const record = await fs.readFile(path.join(root, 'etc/sandbox/s1.sandbox'), 'utf8');
  assert.match(record, /^profile=strict$/m);
  assert.match(record, /^dbus=host$/m);
});

test('delete removes the link and the drop-in directory; the profile file stays', async () => {
  const root = await freshRoot();
  await ok(root, ['create', '--profile', 'trusted', '-u', 'sbxdemo.service', 't1']);
  const profile = await fs.readFile(path.join(PROFILES, 'trusted.conf'), 'utf8');
  await ok(root, ['delete', 't1']);
  await gone(dropinDir(root, 't1'));
  assert.is(await fs.readFile(path.join(PROFILES, 'trusted.conf'), 'utf8'), profile);
});

test('doctor: a record whose link is gone fails; a left-over link is repaired; an admin file named 40-profile.conf is never touched', async () => {
  const root = await freshRoot();
  await ok(root, ['create', '-u', 'sbxdemo.service', 'k1', 'k2']);
  const doctor = async () => (JSON.parse((await sandbox(root, ['doctor', '--json'])).stdout) as { checks: { name: string; status: string; detail: string }[] }).checks;
  assert.equal((await doctor()).filter((c) => c.name === 'record without units'), []);
  // k1: the link removed by hand → its record misses it
  await fs.rm(path.join(dropinDir(root, 'k1'), '40-profile.conf'));
  const missing = (await doctor()).filter((c) => c.name === 'record without units');
  assert.is(missing.length, 1);
  assert.match(missing[0]!.detail, /sandbox 'k1': .*40-profile\.conf \(a link to the 'default' profile\) missing/);
  // k2: a link whose profile file is gone (a link made elsewhere, to a file that no longer exists) is missing too
  const k2link = path.join(dropinDir(root, 'k2'), '40-profile.conf');
  await fs.rm(k2link);
  await fs.symlink('/nonexistent/units/profiles/default.conf', k2link);
  const dangling = (await doctor()).filter((c) => c.name === 'record without units' && c.detail.includes("sandbox 'k2'"));
  assert.is(dangling.length, 1);
  // k2: its record removed by hand → its link (and drop-in) are leftovers; --repair removes them
  await fs.rm(path.join(root, 'etc/sandbox/k2.sandbox'));
  const orphans = (await doctor()).filter((c) => c.name === 'orphan unit' && c.detail.includes('sbxdemo@k2.service.d/40-profile.conf'));
  assert.is(orphans.length, 1);
  await sandbox(root, ['doctor', '--repair']);
  await gone(path.join(dropinDir(root, 'k2'), '40-profile.conf'));
  // an admin's own file and an admin's link at that name, for a sandbox without record: both stay
  const mine = dropinDir(root, 'k3');
  await fs.mkdir(mine, { recursive: true });
  await fs.writeFile(path.join(mine, '40-profile.conf'), '[Service]\nNice=5\n');
  const other = dropinDir(root, 'k4');
  await fs.mkdir(other, { recursive: true });
  await fs.symlink('/etc/hardening.conf', path.join(other, '40-profile.conf'));
  await sandbox(root, ['doctor', '--repair']);
  assert.is(await fs.readFile(path.join(mine, '40-profile.conf'), 'utf8'), '[Service]\nNice=5\n');
  assert.is(await fs.readlink(path.join(other, '40-profile.conf')), '/etc/hardening.conf');
});

test.run();
