// The dpkg backend against the host's real database (apache2 is installed),
// and against a temp root holding a copy of part of it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NotFoundError, UnavailableError } from '../../../src/errors.js';
import { makePaths } from '../../../src/paths.js';
import { dpkgManager, parseConffiles, parseSearch } from '../../../src/packages/dpkg.js';
import { run } from '../../../src/exec.js';

/** dpkg-query asked one question, as the backend asked each before it read one table. */
async function ask(format: string, pkg: string): Promise<string> {
  return (await run('dpkg-query', ['-W', `-f=${format}`, pkg])).stdout;
}

const host = dpkgManager(makePaths('/'));
let tmp = '';

test.before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-dpkg-'));
});
test.after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

test('available on the host', async () => {
  assert.is(await host.available(), true);
});

test('owners of an apache2 conffile include apache2', async () => {
  assert.ok((await host.owners('/etc/apache2/apache2.conf')).includes('apache2'));
});

test('a directory shared by packages has all of them as owners', async () => {
  const owners = await host.owners('/etc/apache2');
  assert.ok(owners.includes('apache2'), owners.join(','));
});

test('several names of one file: one query, the owners of the first name listed', async () => {
  assert.equal(await host.owners(['/etc/apache2-not-listed', '/etc/apache2/apache2.conf', '/etc/apache2']), ['apache2']);
  assert.equal(await host.owners(['/etc/hostname-not-a-package-file', '/etc/no-such-either']), []);
});

test('an unowned path has no owners', async () => {
  assert.equal(await host.owners('/etc/hostname-not-a-package-file'), []);
});

test('files(apache2) flags apache2.conf as a conffile and the binary as not', async () => {
  const files = await host.files('apache2');
  const conf = files.find((f) => f.path === '/etc/apache2/apache2.conf');
  assert.ok(conf, 'apache2.conf listed');
  assert.is(conf!.conffile, true);
  const dir = files.find((f) => f.path === '/etc/apache2');
  assert.is(dir?.conffile, false);
  assert.not.ok(files.some((f) => f.path === '/.'), 'no "/." entry');
  assert.ok(files.every((f) => f.path.startsWith('/')));
});

test('an unknown package → NotFoundError', async () => {
  try {
    await host.files('sbx-no-such-package');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, NotFoundError);
    assert.match((e as Error).message, /sbx-no-such-package/);
  }
});

test('a name that is not a package name is refused, never passed on', async () => {
  try {
    await host.files('--help');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, NotFoundError);
  }
});

test('installed', async () => {
  assert.is(await host.installed('apache2'), true);
  assert.is(await host.installed('sbx-no-such-package'), false);
});

test('a root without a dpkg database: not available, owns nothing, knows no package', async () => {
  const m = dpkgManager(makePaths(tmp));
  assert.is(await m.available(), false);
  assert.equal(await m.owners('/etc/apache2/apache2.conf'), []);
  assert.is(await m.installed('apache2'), false);
  try {
    await m.files('apache2');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, NotFoundError);
  }
});

test('with a root, the database under the root is the one asked', async () => {
  const root = path.join(tmp, 'root');
  const admin = path.join(root, 'var/lib/dpkg');
  await fs.mkdir(path.join(admin, 'info'), { recursive: true });
  await fs.mkdir(path.join(admin, 'updates'), { recursive: true });
  await fs.copyFile('/var/lib/dpkg/status', path.join(admin, 'status'));
  for (const f of ['apache2.list', 'apache2.conffiles']) await fs.copyFile(`/var/lib/dpkg/info/${f}`, path.join(admin, 'info', f));
  const m = dpkgManager(makePaths(root));
  assert.is(await m.available(), true);
  assert.equal(await m.owners('/etc/apache2/apache2.conf'), ['apache2']);
  // coreutils is in the host's lists, not in this root's
  assert.ok((await host.owners('/bin/ls')).length > 0);
  assert.equal(await m.owners('/bin/ls'), []);
  assert.ok((await m.files('apache2')).some((f) => f.path === '/etc/apache2/apache2.conf' && f.conffile));
});

test('the one-table answers equal dpkg-query asked each question, for plain and multi-arch names', async () => {
  const m = dpkgManager(makePaths('/'));
  for (const pkg of ['apache2', 'apache2-bin', 'libc6', `libc6:${(await run('dpkg', ['--print-architecture'])).stdout.trim()}`]) {
    assert.is(await m.version(pkg), await ask('${Version}', pkg), `version of ${pkg}`);
    assert.is(await m.installed(pkg), (await ask('${db:Status-Status}', pkg)) === 'installed', `installed ${pkg}`);
    const conf = parseConffiles(await ask('${Conffiles}\\n', pkg));
    assert.equal(new Set((await m.files(pkg)).filter((f) => f.conffile).map((f) => f.path)), new Set([...conf].filter((c) => c !== '')), `conffiles of ${pkg}`);
  }
  const sources = await m.sources!();
  assert.is(sources.get('apache2-bin'), 'apache2');
  assert.is(sources.get('libc6'), 'glibc');
  assert.is(sources.get('coreutils'), 'coreutils');
});

test('a package change under the root is seen by the next question (the table is read again)', async () => {
  const root = path.join(tmp, 'root2');
  const admin = path.join(root, 'var/lib/dpkg');
  await fs.mkdir(path.join(admin, 'info'), { recursive: true });
  await fs.copyFile('/var/lib/dpkg/status', path.join(admin, 'status'));
  const m = dpkgManager(makePaths(root));
  const before = await m.version('apache2');
  assert.is(before, await ask('${Version}', 'apache2'));
  // What dpkg does: a new status file renamed over the old one.
  const status = await fs.readFile(path.join(admin, 'status'), 'utf8');
  const changed = status.replace(/(Package: apache2\n(?:[^\n]+\n)*?Version: )[^\n]+/, '$19:9.9-sbx');
  assert.ok(changed !== status);
  await fs.writeFile(path.join(admin, 'status-new'), changed);
  await fs.rename(path.join(admin, 'status-new'), path.join(admin, 'status'));
  assert.is(await m.version('apache2'), '9:9.9-sbx');
  await fs.writeFile(path.join(admin, 'status-new'), changed.replace(/Package: apache2\n(?:[^\n]+\n)*?Status: install ok installed/, (b) => b.replace('install ok installed', 'deinstall ok config-files')));
  await fs.rename(path.join(admin, 'status-new'), path.join(admin, 'status'));
  assert.is(await m.installed('apache2'), false);
});

test('dpkg-query missing → UnavailableError naming it', async () => {
  const saved = process.env.PATH;
  process.env.PATH = path.join(tmp, 'empty-bin');
  try {
    // A new command's manager: it has no table read yet.
    await dpkgManager(makePaths('/')).files('apache2');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, UnavailableError);
    assert.match((e as Error).message, /dpkg-query/);
  } finally {
    process.env.PATH = saved;
  }
  process.env.PATH = path.join(tmp, 'empty-bin');
  try {
    assert.is(await host.available(), false);
  } finally {
    process.env.PATH = saved;
  }
});

/** What dpkg-query -L lists as paths (its diversion notes and the "/." line left out), as the backend read it before. */
async function listedByDpkg(pkg: string, admindir?: string): Promise<string[]> {
  const r = await run('dpkg-query', [...(admindir ? [`--admindir=${admindir}`] : []), '-L', pkg], { namesOnStdout: true });
  return r.stdout.split('\n').filter((l) => l.startsWith('/') && l !== '/.');
}

test('files() reads the same list dpkg-query -L prints: multi-arch, diverted and diverting packages of the host', async () => {
  const arch = (await run('dpkg', ['--print-architecture'])).stdout.trim();
  // Every package that diverts a file, and every package whose file is diverted (their -L has "diverted by" notes).
  const diversions = (await run('dpkg-divert', ['--list'])).stdout.split('\n');
  const diverting = diversions.map((l) => / by (\S+)$/.exec(l)?.[1]).filter((p): p is string => !!p);
  const diverted = diversions.map((l) => /^diversion of (\S+) to /.exec(l)?.[1]).filter((p): p is string => !!p);
  const owning = diverted.length ? (await run('dpkg-query', ['-S', ...diverted])).stdout.split('\n').flatMap((l) => (/^(.+?): \//.exec(l)?.[1] ?? '').split(', ')) : [];
  const pkgs = new Set(['apache2', 'apache2-bin', 'apache2-data', 'apache2-utils', 'libc6', `libc6:${arch}`, 'coreutils', ...diverting, ...owning].filter((p) => p && !p.startsWith('diversion')));
  assert.ok(diverting.includes('dash'), 'dash diverts /bin/sh on every Debian');
  for (const pkg of pkgs) {
    if (!(await host.installed(pkg))) continue;
    assert.equal((await host.files(pkg)).map((f) => f.path), await listedByDpkg(pkg), `files of ${pkg}`);
  }
});

test('files() under a root: a Multi-Arch: same list, a config-files package, a package with no list, one dpkg has forgotten', async () => {
  const root = path.join(tmp, 'root3');
  const admin = path.join(root, 'var/lib/dpkg');
  await fs.mkdir(path.join(admin, 'info'), { recursive: true });
  await fs.mkdir(path.join(admin, 'updates'), { recursive: true });
  const stanza = (name: string, status: string, more: string) =>
    `Package: ${name}\nStatus: ${status}\nPriority: optional\nSection: misc\nMaintainer: x <x@example.org>\nArchitecture: amd64\nVersion: 1.0\n${more}Description: fixture\n`;
  await fs.writeFile(
    path.join(admin, 'status'),
    [
      stanza('sbx-same', 'install ok installed', 'Multi-Arch: same\n'),
      stanza('sbx-plain', 'install ok installed', 'Conffiles:\n /etc/sbx-plain.conf 0123456789abcdef0123456789abcdef\n'),
      stanza('sbx-gone', 'deinstall ok config-files', 'Conffiles:\n /etc/sbx-gone.conf 0123456789abcdef0123456789abcdef\n'),
      stanza('sbx-empty', 'install ok installed', ''),
      stanza('sbx-purged', 'purge ok not-installed', ''),
    ].join('\n'),
  );
  await fs.writeFile(path.join(admin, 'info', 'format'), '1\n');
  await fs.writeFile(path.join(admin, 'info', 'sbx-same:amd64.list'), '/.\n/usr\n/usr/lib/sbx-same.so\n');
  await fs.writeFile(path.join(admin, 'info', 'sbx-same.list'), '/not/this/one\n');
  await fs.writeFile(path.join(admin, 'info', 'sbx-plain.list'), Buffer.concat([Buffer.from('/.\n/etc\n/etc/sbx-plain.conf\n/etc/sbx-'), Buffer.from([0xff]), Buffer.from('\n')]));
  await fs.writeFile(path.join(admin, 'info', 'sbx-gone.list'), '/.\n/etc\n/etc/sbx-gone.conf\n');
  const m = dpkgManager(makePaths(root));
  for (const pkg of ['sbx-same', 'sbx-same:amd64', 'sbx-plain', 'sbx-gone', 'sbx-empty']) {
    assert.equal((await m.files(pkg)).map((f) => f.path), await listedByDpkg(pkg, admin), `files of ${pkg}`);
  }
  assert.equal(await m.files('sbx-same'), [{ path: '/usr', conffile: false }, { path: '/usr/lib/sbx-same.so', conffile: false }]);
  assert.equal((await m.files('sbx-plain')).map((f) => f.conffile), [false, true, false]);
  assert.is((await m.files('sbx-plain'))[2]!.path, '/etc/sbx-\udcff');
  // Not installed: no conffile flags, as before.
  assert.equal((await m.files('sbx-gone')).map((f) => f.conffile), [false, false]);
  // A database of format 0 (before multi-arch) names every list NAME.list.
  await fs.writeFile(path.join(admin, 'info', 'format'), '0\n');
  assert.equal((await m.files('sbx-same')).map((f) => f.path), ['/not/this/one']);
  assert.equal(await listedByDpkg('sbx-same', admin), ['/not/this/one']);
  for (const pkg of ['sbx-purged', 'sbx-unknown']) {
    try {
      await m.files(pkg);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, NotFoundError, pkg);
    }
    assert.is((await run('dpkg-query', [`--admindir=${admin}`, '-L', pkg])).exitCode, 1, `dpkg-query -L ${pkg} fails too`);
  }
});

test('parseSearch: several owners, diversions ignored, other paths ignored', () => {
  const text = [
    'diversion by foo from: /etc/x',
    'diversion by foo to: /etc/x.real',
    'apache2, javascript-common: /etc/x',
    'libc6:amd64: /etc/x',
    'other: /etc/xy',
  ].join('\n');
  assert.equal(parseSearch(text, '/etc/x'), ['apache2', 'javascript-common', 'libc6:amd64']);
});

test('parseConffiles: obsolete and remove-on-upgrade flags', () => {
  const text = ' /etc/a.conf 0123456789abcdef0123456789abcdef\n /etc/b c0ffee00c0ffee00c0ffee00c0ffee00 obsolete\n /etc/c newconffile\n /etc/d 0123456789abcdef0123456789abcdef remove-on-upgrade\n';
  assert.equal([...parseConffiles(text)], ['/etc/a.conf', '/etc/b', '/etc/c', '/etc/d']);
});

test.run();
