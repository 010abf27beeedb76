// The payload rule on small hand-made inputs: one behaviour per test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../../src/errors.js';
import type { HostType } from '../../../src/payload/file-type.js';
import type { HostPath } from '../../../src/payload/host-entries.js';
import { planPayload, sharedDirMatcher, SHARED_DIRS, type PayloadInput } from '../../../src/payload/rules.js';

/** "d /etc/foo", "f /etc/foo/x", "l …", "- …" (missing), "p …" (fifo) → HostPath[] */
const TYPES: Record<string, HostType> = { d: 'dir', f: 'file', l: 'symlink', '-': 'missing', p: 'fifo', s: 'socket' };
const files = (...lines: string[]): HostPath[] =>
  lines.map((l) => ({ type: TYPES[l[0]!]!, path: l.slice(2) }));

const plan = (input: Partial<PayloadInput>) => planPayload({ packageFiles: [], ...input });
const shown = (input: Partial<PayloadInput>) => plan(input).entries.map((e) => `${e.how} ${e.path}`);

test('a package dir whose parent is shared is the service own dir: whole, covering what is below it', () => {
  assert.equal(shown({ packageFiles: files('d /etc', 'd /etc/foo', 'f /etc/foo/foo.conf', 'd /etc/foo/conf.d', 'f /etc/foo/conf.d/a') }), [
    'whole /etc/foo',
  ]);
});

test('files in shared dirs are entries; the shared dirs themselves are not copied', () => {
  assert.equal(
    shown({ packageFiles: files('d /etc', 'd /etc/default', 'f /etc/default/foo', 'd /etc/rc2.d', 'l /etc/rc2.d/S01foo', 'd /var', 'd /var/lib') }),
    ['entry /etc/default/foo', 'entry /etc/rc2.d/S01foo'],
  );
});

test('everything under /etc/systemd is shared: a drop-in dir gives only its files', () => {
  assert.equal(shown({ packageFiles: files('d /etc/systemd/system/foo.service.d', 'f /etc/systemd/system/foo.service.d/x.conf') }), [
    'entry /etc/systemd/system/foo.service.d/x.conf',
  ]);
});

test('a package-listed, non-shared subdirectory of a shared dir is whole', () => {
  assert.equal(shown({ packageFiles: files('d /etc/ssl', 'd /etc/ssl/foo', 'f /etc/ssl/foo/key') }), ['whole /etc/ssl/foo']);
});

test('only /etc and /var; never /run, /var/run, /var/lock or the sandbox trees', () => {
  const p = plan({
    packageFiles: files('d /usr/share/foo', 'f /usr/bin/foo', 'd /run/foo', 'd /var/run/foo', 'f /var/lock/foo', 'd /var/lib/sandbox/x', 'd /srv/foo'),
  });
  assert.equal(p.entries, []);
  assert.equal(p.skipped.map((s) => s.path), ['/var/lib/sandbox/x', '/var/lock/foo', '/var/run/foo']);
});

test('missing and special files are skipped with a reason', () => {
  const p = plan({ packageFiles: files('- /etc/foo.conf', 'p /var/lib/foo.fifo', 's /var/lib/foo.sock') });
  assert.equal(p.entries, []);
  assert.equal(p.skipped.map((s) => s.path), ['/etc/foo.conf', '/var/lib/foo.fifo', '/var/lib/foo.sock']);
  assert.match(p.skipped[0]!.reason, /absent on the host/);
});

test('a symlink is an entry even where a directory was listed', () => {
  assert.equal(shown({ packageFiles: files('l /etc/foo') }), ['entry /etc/foo']);
});

test('rpm-style lists: a file below a directory the package does not list is an entry of its own', () => {
  assert.equal(shown({ packageFiles: files('f /etc/httpd/conf.d/php.conf') }), ['entry /etc/httpd/conf.d/php.conf']);
});

test('unit directories: whole when present, toCreate when absent, refused when shared or outside', () => {
  const p = plan({
    unitDirs: [
      { path: '/var/lib/foo', type: 'dir', directive: 'StateDirectory' },
      { path: '/var/cache/foo', type: 'missing', directive: 'CacheDirectory' },
      { path: '/var/lib', type: 'dir', directive: 'ReadWritePaths' },
      { path: '/srv/foo', type: 'dir', directive: 'ReadWritePaths' },
      { path: '/run/foo', type: 'missing', directive: 'RuntimeDirectory' },
    ],
  });
  assert.equal(p.entries.map((e) => `${e.how} ${e.path} (${e.reason})`), ['whole /var/lib/foo (named by StateDirectory=)']);
  assert.equal(p.toCreate.map((t) => t.path), ['/var/cache/foo']);
  assert.equal(p.skipped.map((s) => s.path), ['/run/foo', '/srv/foo', '/var/lib']);
});

test('a unit dir that the package also lists keeps both reasons', () => {
  const p = plan({
    packageFiles: [{ path: '/var/lib/foo', type: 'dir', owner: 'foo' }],
    unitDirs: [{ path: '/var/lib/foo', type: 'dir', directive: 'StateDirectory' }],
  });
  assert.equal(p.entries.length, 1);
  assert.match(p.entries[0]!.reason, /^foo: the service's own directory \(in system-wide \/var\/lib\); named by StateDirectory=$/);
});

test('--exclude removes a path and everything below it', () => {
  const p = plan({ packageFiles: files('d /etc/foo', 'f /etc/default/foo', 'd /var/lib/foo'), exclude: ['/var/lib/foo', '/etc/default'] });
  assert.equal(p.entries.map((e) => e.path), ['/etc/foo']);
  assert.equal(p.excludes, []);
  assert.equal(p.skipped.map((s) => s.reason), ['--exclude /etc/default', '--exclude /var/lib/foo']);
});

test('--exclude inside a whole dir is returned for the copier', () => {
  const p = plan({ packageFiles: files('d /etc/foo', 'f /etc/foo/secret.key'), exclude: ['/etc/foo/secret.key', '/etc/foo/private/'] });
  assert.equal(shown({ packageFiles: files('d /etc/foo'), exclude: ['/etc/foo/private'] }), ['whole /etc/foo']);
  assert.equal(p.entries.map((e) => e.path), ['/etc/foo']);
  assert.equal(p.excludes, ['/etc/foo/private', '/etc/foo/secret.key']);
});

test('an --exclude that matches nothing is reported', () => {
  const p = plan({ packageFiles: files('d /etc/foo'), exclude: ['/etc/bar'] });
  assert.equal(p.skipped, [{ path: '/etc/bar', reason: '--exclude matches nothing in the plan' }]);
});

test('--copy adds a dir whole and a file as an entry; inside a whole dir it adds nothing', () => {
  const p = plan({
    packageFiles: files('d /etc/foo'),
    copy: files('d /var/lib/extra', 'f /etc/default/extra', 'f /etc/foo/x'),
  });
  assert.equal(p.entries.map((e) => `${e.how} ${e.path} (${e.reason})`), [
    'entry /etc/default/extra (--copy)',
    "whole /etc/foo (the service's own directory (in system-wide /etc))",
    'whole /var/lib/extra (--copy)',
  ]);
  assert.equal(p.skipped, [{ path: '/etc/foo/x', reason: 'inside /etc/foo, copied whole' }]);
});

test('a --copy more specific than an --exclude wins', () => {
  const p = plan({ packageFiles: files('d /var/lib/foo'), exclude: ['/var/lib/foo/data'], copy: files('f /var/lib/foo/data/keep') });
  assert.equal(shown({ packageFiles: files('d /var/lib/foo'), exclude: ['/var/lib/foo/data'], copy: files('f /var/lib/foo/data/keep') }), [
    'whole /var/lib/foo',
    'entry /var/lib/foo/data/keep',
  ]);
  assert.equal(p.excludes, ['/var/lib/foo/data']);
});

test('--copy refuses what can never be copied', () => {
  const bad: Array<[HostPath, RegExp]> = [
    [{ path: '/usr/share/x', type: 'dir' }, /only paths under \/etc and \/var/],
    [{ path: '/var/run/x', type: 'file' }, /runtime/],
    [{ path: '/var/lib', type: 'dir' }, /system-wide/],
    [{ path: '/etc/nope', type: 'missing' }, /no such file/],
    [{ path: '/var/lib/x.sock', type: 'socket' }, /socket/],
    [{ path: 'etc/relative', type: 'file' }, /absolute/],
  ];
  for (const [c, re] of bad) {
    try {
      plan({ copy: [c] });
      assert.unreachable(c.path);
    } catch (e) {
      assert.instance(e, UsageError);
      assert.match((e as Error).message, re);
    }
  }
  assert.throws(() => plan({ copy: files('f /etc/x'), exclude: ['/etc/x'] }), /also given as --exclude/);
});

test('extra shared dirs from the tool config', () => {
  assert.equal(shown({ packageFiles: files('d /etc/php', 'f /etc/php/foo.ini'), extraSharedDirs: ['/etc/php/'] }), ['entry /etc/php/foo.ini']);
});

test('entries are sorted, parents first; paths are normalised', () => {
  assert.equal(shown({ packageFiles: files('d /var/lib/foo/', 'f /etc/default/b', 'f /etc//default/a', 'd /etc/foo-bar', 'd /etc/foo') }), [
    'entry /etc/default/a',
    'entry /etc/default/b',
    'whole /etc/foo',
    'whole /etc/foo-bar',
    'whole /var/lib/foo',
  ]);
});

test('the shared list holds the well-known system-wide directories', () => {
  const shared = sharedDirMatcher();
  for (const d of ['/etc', '/var', '/var/lib', '/var/log', '/etc/rc3.d', '/etc/systemd', '/etc/systemd/system/x.d', '/etc/logrotate.d', '/etc/ssl/certs']) {
    assert.ok(shared(d), d);
  }
  for (const d of ['/etc/apache2', '/var/www', '/var/lib/apache2', '/etc/rc.local', '/etc/systemdx']) assert.not.ok(shared(d), d);
  assert.ok(SHARED_DIRS.length > 40);
});

test.run();
