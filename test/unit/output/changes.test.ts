// The one formatter of changes prints what enable and delete printed before it
// existed (systemctl's words), systemd's unit-file changes map onto it, and a
// human's summary says long runs in one line while keeping every other change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatChange, summariseChanges } from '../../../src/output/changes.js';
import { asChange } from '../../../src/systemd/client.js';
import type { Change } from '../../../src/apply/change.js';

test("systemd's unit-file changes print as systemctl prints them", () => {
  const link = asChange({ type: 'symlink', file: '/etc/systemd/system/x.wants/a@b.service', destination: '/etc/systemd/system/a@.service' });
  assert.equal(link, { kind: 'symlink', path: '/etc/systemd/system/x.wants/a@b.service', source: '/etc/systemd/system/a@.service' });
  assert.is(formatChange(link), 'Created symlink /etc/systemd/system/x.wants/a@b.service → /etc/systemd/system/a@.service.');
  const gone = asChange({ type: 'unlink', file: '/etc/systemd/system/x.wants/a@b.service', destination: '' });
  assert.is(formatChange(gone), 'Removed "/etc/systemd/system/x.wants/a@b.service".');
});

test('every kind has its line', () => {
  const lines = (
    [
      { kind: 'mkdir', path: '/var/lib/sandbox/x' },
      { kind: 'copy', path: '/var/lib/sandbox/x/etc/a', source: '/etc/a' },
      { kind: 'label', path: '/var/lib/sandbox/x', source: 'system_u:object_r:t:s0:c1,c2' },
      { kind: 'write', path: '/etc/sandbox/x.sandbox' },
    ] as Change[]
  ).map(formatChange);
  assert.equal(lines, [
    'Created directory /var/lib/sandbox/x.',
    'Copied /etc/a to /var/lib/sandbox/x/etc/a.',
    'Labelled /var/lib/sandbox/x system_u:object_r:t:s0:c1,c2.',
    'Written /etc/sandbox/x.sandbox.',
  ]);
});

const copies = (n: number, dir: string): Change[] => Array.from({ length: n }, (_, i) => ({ kind: 'copy', path: `${dir}/etc/f${i}`, source: `/etc/f${i}` }));

test('a human summary: a long run of copies is one line under their common directory; short runs and other kinds stay whole, in order', () => {
  const list: Change[] = [
    { kind: 'mkdir', path: '/var/lib/sandbox/x' },
    ...copies(312, '/var/lib/sandbox/x'),
    { kind: 'mkdir', path: '/var/lib/sandbox/.base/x' },
    ...copies(2, '/var/lib/sandbox/.base/x'),
    { kind: 'write', path: '/etc/systemd/system/a@x.service.d/50-sandbox.conf' },
    { kind: 'write', path: '/etc/systemd/system/a@x.service.d/45-limits.conf' },
    { kind: 'write', path: '/etc/systemd/system/a-sandboxes.target' },
    { kind: 'write', path: '/etc/systemd/system/a@.service' },
    { kind: 'write', path: '/etc/sandbox/x.sandbox' },
  ];
  assert.equal(summariseChanges(list), [
    'Created directory /var/lib/sandbox/x.',
    'Copied 312 paths into /var/lib/sandbox/x/etc.',
    'Created directory /var/lib/sandbox/.base/x.',
    'Copied /etc/f0 to /var/lib/sandbox/.base/x/etc/f0.',
    'Copied /etc/f1 to /var/lib/sandbox/.base/x/etc/f1.',
    // unit files are few and each one matters: never summed up
    ...list.slice(-5).map(formatChange),
  ]);
});

test('directories made sum up too; removals, and a run with nothing in common but /, are said one by one', () => {
  const dirs: Change[] = ['/t/x/a', '/t/x/b', '/t/xy', '/t/x/c'].map((p) => ({ kind: 'mkdir', path: p }));
  assert.equal(summariseChanges(dirs), ['Created 4 directories under /t.']);
  const gone: Change[] = ['/etc/a', '/etc/b', '/etc/c', '/etc/d'].map((p) => ({ kind: 'unlink', path: p }));
  assert.equal(summariseChanges(gone), gone.map(formatChange));
  const scattered: Change[] = ['/etc/a', '/var/b', '/run/c', '/srv/d'].map((p) => ({ kind: 'copy', path: p, source: p }));
  assert.equal(summariseChanges(scattered), scattered.map(formatChange));
  assert.equal(summariseChanges([]), []);
});

test.run();
