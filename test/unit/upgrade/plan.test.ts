// The pure half of upgrade (src/upgrade/plan.ts, base-files.ts, check.ts):
// what each package file becomes from its base, the sandbox's copy and the
// package's file now; which files a base keeps; who is behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isBehind, planFile, planFiles, type FileFacts } from '../../../src/upgrade/plan.js';
import { packageFileSet } from '../../../src/upgrade/base-files.js';
import { driftText, formatDrift } from '../../../src/upgrade/check.js';

const file = (sha256: string) => ({ kind: 'file' as const, sha256 });
const missing = { kind: 'missing' as const };
const f = (base: string | undefined, mine: FileFacts['mine'], theirs: string | undefined): FileFacts => ({ path: '/etc/x.conf', base, mine, theirs });
const kind = (x: FileFacts) => planFile(x).kind;

test('changed in the package only: replaced; in the sandbox only: kept; in both: merged', () => {
  assert.is(kind(f('A', file('A'), 'B')), 'replace');
  assert.is(kind(f('A', file('M'), 'A')), 'keep');
  assert.is(kind(f('A', file('M'), 'B')), 'merge');
  assert.is(planFile(f('A', file('M'), 'B')).why, 'changed in the package and in the sandbox');
});

test('both made the same change, or nobody changed it: nothing to do', () => {
  assert.is(kind(f('A', file('B'), 'B')), 'keep');
  assert.is(kind(f('A', file('A'), 'A')), 'keep');
});

test('removed in the sandbox stays removed; a link or directory there gets the package file beside it', () => {
  assert.is(kind(f('A', missing, 'B')), 'keep');
  assert.is(planFile(f('A', missing, 'B')).why, 'removed in the sandbox; left removed');
  assert.is(kind(f('A', { kind: 'other', what: 'symbolic link' }, 'B')), 'offer');
  assert.is(planFile(f('A', { kind: 'other', what: 'symbolic link' }, 'B')).why, 'the sandbox has a symbolic link there');
});

test('new in the package: added when absent, offered beside the sandbox own file, kept when equal', () => {
  assert.is(kind(f(undefined, missing, 'N')), 'add');
  assert.is(kind(f(undefined, file('M'), 'N')), 'offer');
  assert.is(kind(f(undefined, file('N'), 'N')), 'keep');
});

test('no longer in the package: reported as dropped, whatever the sandbox did', () => {
  assert.is(kind(f('A', file('A'), undefined)), 'dropped');
  assert.is(kind(f('A', missing, undefined)), 'dropped');
});

test('planFiles: sorted by path; files inside a directory added whole need no action of their own', () => {
  const facts: FileFacts[] = [
    { path: '/etc/b.conf', base: 'A', mine: file('A'), theirs: 'B' },
    { path: '/etc/new/x.conf', mine: missing, theirs: 'N' },
    { path: '/etc/a.conf', base: 'A', mine: file('M'), theirs: 'B' },
  ];
  assert.equal(planFiles(facts, ['/etc/new']).map((a) => [a.path, a.kind]), [['/etc/a.conf', 'merge'], ['/etc/b.conf', 'replace']]);
  assert.equal(planFiles(facts).map((a) => a.path), ['/etc/a.conf', '/etc/b.conf', '/etc/new/x.conf']);
});

test('the base keeps regular package files the payload copies, not excluded ones, not directories or links', () => {
  const files = [
    { path: '/etc/app/app.conf', type: 'file' as const },
    { path: '/etc/app', type: 'dir' as const },
    { path: '/etc/app/secret/key', type: 'file' as const },
    { path: '/etc/app/link', type: 'symlink' as const },
    { path: '/etc/logrotate.d/app', type: 'file' as const },
    { path: '/etc/other.conf', type: 'file' as const },
    { path: '/usr/bin/app', type: 'file' as const },
  ];
  const payload = {
    entries: [
      { path: '/etc/app', how: 'whole' as const, reason: '' },
      { path: '/etc/logrotate.d/app', how: 'entry' as const, reason: '' },
    ],
    excludes: ['/etc/app/secret'],
  };
  assert.equal(packageFileSet(files, payload), ['/etc/app/app.conf', '/etc/logrotate.d/app']);
});

test('behind: a recorded version that is not the installed one; records without versions cannot tell', () => {
  assert.ok(isBehind([{ name: 'a', recorded: '1.0-1', installed: '2.0-1' }]));
  assert.ok(isBehind([{ name: 'a', recorded: '1.0-1', installed: undefined }]));
  assert.not.ok(isBehind([{ name: 'a', recorded: '1.0-1', installed: '1.0-1' }]));
  assert.not.ok(isBehind([{ name: 'a', recorded: undefined, installed: '2.0-1' }]));
  const d = { name: 'web1', behind: true, unknown: false, packages: [{ name: 'a', recorded: '1.0-1', installed: '2.0-1' }, { name: 'b', recorded: '1', installed: '1' }] };
  assert.is(driftText(d), 'a 1.0-1 → 2.0-1');
  assert.is(formatDrift([d, { ...d, name: 'web2', behind: false }]), 'web1  behind: a 1.0-1 → 2.0-1\nUpgrade with: sandbox upgrade web1\n');
  assert.is(formatDrift([{ ...d, behind: false }]), 'All 1 sandbox is up to date with its packages.\n');
});

test.run();
