// `sandbox doctor` finds every inconsistency (a record without its tree or
// units, units, trees and labels without a record, interrupted operations)
// and changes nothing; `doctor --repair` removes only what the tool generated,
// never a record or an admin's file, and says what it cannot repair.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { buildFixtureRoot, copyRoot, makeTmp, sandbox, type CliOptions } from './fixture-root.js';
import { checkConsistent } from './invariants.js';
import { diffSnapshots, snapshot } from './tree-snapshot.js';

const work = await makeTmp('doctor');
const fixture = await buildFixtureRoot(work);
const outside = path.join(work, 'outside');
await fs.mkdir(outside);
await fs.writeFile(path.join(outside, 'precious'), 'keep\n');

let n = 0;
const at = (root: string, ...p: string[]) => path.join(root, ...p);
const STATE = 'var/lib/sandbox';
const UNITS = 'etc/systemd/system';

async function ok(root: string, args: string[], opts: CliOptions = {}): Promise<void> {
  const r = await sandbox(root, args, opts);
  assert.is(r.code, 0, `sandbox ${args.join(' ')}: ${r.stderr}`);
}

interface Doctor {
  code: number | null;
  checks: { name: string; status: string; detail: string; data?: { repairable?: boolean; repaired?: boolean } }[];
}

async function doctor(root: string, ...more: string[]): Promise<Doctor> {
  const r = await sandbox(root, ['doctor', '--json', ...more]);
  return { code: r.code, checks: (JSON.parse(r.stdout) as { checks: Doctor['checks'] }).checks };
}

const named = (d: Doctor, name: string) => d.checks.filter((c) => c.name === name);

/** A root with two whole sandboxes and every kind of inconsistency. */
async function brokenRoot(): Promise<string> {
  const root = await copyRoot(fixture, path.join(work, `root-${++n}`));
  for (const name of ['good', 'good2', 'notree', 'norecord']) await ok(root, ['create', '-u', 'sbxdemo.service', name]);
  // A record without its tree.
  await fs.rm(at(root, STATE, 'notree'), { recursive: true });
  // A sandbox whose record is gone: tree, manifest, drop-in and label without a record.
  await fs.rm(at(root, 'etc/sandbox/norecord.sandbox'));
  // An admin's own drop-in beside ours, and an admin's instance unit: never removed.
  await fs.writeFile(at(root, UNITS, 'sbxdemo@norecord.service.d/99-admin.conf'), '[Service]\nNice=5\n');
  await fs.writeFile(at(root, UNITS, 'sbxdemo@admin.service'), '[Service]\nExecStart=/usr/bin/true\n');
  // A tree without a record, a link named like one (to files that must survive), a staging dir, a label.
  await fs.mkdir(at(root, STATE, 'ghost/etc'), { recursive: true });
  await fs.writeFile(at(root, STATE, 'ghost/etc/file'), 'x\n');
  await fs.symlink(outside, at(root, STATE, 'linked'));
  await fs.mkdir(at(root, STATE, '.staging-old'));
  // (in the registry's layout: .labels/held/KEY, or .labels/KEY with its state)
  const heldDir = at(root, STATE, '.labels/held');
  const phantom = (await fs.stat(heldDir).catch(() => undefined)) ? path.join(heldDir, 'c1,c2') : at(root, STATE, '.labels/c1,c2');
  await fs.writeFile(phantom, JSON.stringify({ sandbox: 'phantom', state: 'committed', pid: 1, start: '', since: '' }) + '\n');
  await fs.writeFile(at(root, STATE, '.labels/by-name/phantom'), 'c1,c2\n');
  // An enable link to an instance that has no record.
  await fs.mkdir(at(root, UNITS, 'sbxdemo-sandboxes.target.wants'));
  await fs.symlink('/etc/systemd/system/sbxdemo@.service', at(root, UNITS, 'sbxdemo-sandboxes.target.wants/sbxdemo@norecord.service'));
  // Interrupted operations: doctor itself runs no recovery, so it sees them. The
  // create's intent is held aside while the delete runs, or its recovery would roll it back.
  const half = await sandbox(root, ['create', '-u', 'sbxdemo.service', 'half'], { env: { SANDBOX_CRASH_AT: 'create:published-tree' } });
  assert.is(half.signal, 'SIGKILL');
  const intent = at(root, STATE, '.creating-half');
  await fs.rename(intent, `${root}.intent`);
  const killed = await sandbox(root, ['delete', 'good2'], { env: { SANDBOX_CRASH_AT: 'delete:marked' } });
  assert.is(killed.signal, 'SIGKILL');
  await fs.rename(`${root}.intent`, intent);
  return root;
}

test('a whole root: every check ok, exit 0', async () => {
  const root = await copyRoot(fixture, path.join(work, `root-${++n}`));
  await ok(root, ['create', '-u', 'sbxdemo.service', 'a']);
  await ok(root, ['create', '-u', 'sbxdemo.service', 'b']);
  const d = await doctor(root);
  assert.is(d.code, 0, JSON.stringify(d.checks, null, 1));
  assert.equal(named(d, 'consistency').map((c) => c.status), ['ok']);
  assert.match(named(d, 'consistency')[0]!.detail, /^2 sandboxes/);
  const repaired = await doctor(root, '--repair');
  assert.is(repaired.code, 0);
  assert.equal(repaired.checks.filter((c) => c.data?.repaired), []);
});

test('doctor reports every inconsistency and changes nothing', async () => {
  const root = await brokenRoot();
  const before = await snapshot(root);
  const d = await doctor(root);
  assert.is(d.code, 1, 'a record without its tree fails');
  const text = d.checks.map((c) => `${c.status} ${c.name}: ${c.detail}`).join('\n');
  for (const want of [
    /fail record without tree: sandbox 'notree'.*cannot be repaired automatically: 'sandbox delete notree'/,
    /warn orphan tree: tree \/var\/lib\/sandbox\/norecord has no record/,
    /warn orphan tree: tree \/var\/lib\/sandbox\/ghost has no record/,
    /warn orphan tree: \/var\/lib\/sandbox\/linked is a link/,
    /warn orphan staging: \/var\/lib\/sandbox\/\.staging-old/,
    /warn orphan manifest: \/var\/lib\/sandbox\/\.manifests\/norecord/,
    /warn orphan label: label c1,c2 .* 'phantom'/,
    /warn orphan label: label c\d+,c\d+ .* 'norecord'/,
    /warn orphan unit: \/etc\/systemd\/system\/sbxdemo@norecord\.service\.d\/50-sandbox\.conf/,
    /warn orphan unit: \/etc\/systemd\/system\/sbxdemo-sandboxes\.target\.wants\/sbxdemo@norecord\.service/,
    /warn interrupted delete: the delete of 'good2'/,
    /warn interrupted create: the create of 'half'/,
  ]) {
    assert.match(text, want);
  }
  assert.not.match(text, /admin/, 'an admin file is reported');
  assert.not.match(text, /'good'/, 'the whole sandbox is reported');
  assert.equal(diffSnapshots(before, await snapshot(root)), [], 'doctor changed the root');
});

test('doctor --repair removes what the tool generated, keeps records and admin files, says what is left', async () => {
  const root = await brokenRoot();
  const keep = ['/etc/sandbox/good.sandbox', '/etc/sandbox/notree.sandbox', `/${STATE}/good`, `/${UNITS}/sbxdemo@norecord.service.d/99-admin.conf`, `/${UNITS}/sbxdemo@admin.service`];
  const kept = await snapshot(root, keep);
  const outsideBefore = await snapshot('/', [outside]);

  const d = await doctor(root, '--repair');
  assert.is(d.code, 1, 'the record without its tree is left, and fails');
  assert.equal(d.checks.filter((c) => c.status !== 'ok' && !['systemd', 'selinux', 'policy types', 'policy module', 'root', 'label space'].includes(c.name)).map((c) => c.name), ['record without tree']);
  assert.ok(d.checks.filter((c) => c.data?.repaired).length >= 9, JSON.stringify(d.checks, null, 1));
  assert.equal(diffSnapshots(kept, await snapshot(root, keep)), [], 'a record or an admin file changed');
  assert.equal(diffSnapshots(outsideBefore, await snapshot('/', [outside])), [], 'the link was followed');

  // The admin's files are all that is left over; without them the only problem is 'notree'.
  await fs.rm(at(root, UNITS, 'sbxdemo@norecord.service.d'), { recursive: true });
  await fs.rm(at(root, UNITS, 'sbxdemo@admin.service'));
  assert.equal(await checkConsistent(root), ["notree: recorded but its tree var/lib/sandbox/notree is missing"]);
  // What doctor says for it works.
  await ok(root, ['delete', 'notree']);
  assert.equal(await checkConsistent(root), []);
  const after = await doctor(root);
  assert.is(after.code, 0, JSON.stringify(after.checks, null, 1));
});

test('an unreadable record: doctor names it, and --repair leaves everything of that sandbox alone', async () => {
  const root = await copyRoot(fixture, path.join(work, `root-${++n}`));
  await ok(root, ['create', '-u', 'sbxdemo.service', 'edited']);
  const record = at(root, 'etc/sandbox/edited.sandbox');
  await fs.appendFile(record, 'not a setting\n');
  const before = await snapshot(root);
  const d = await doctor(root, '--repair');
  assert.is(d.code, 1);
  const bad = named(d, 'unreadable record');
  assert.is(bad.length, 1);
  assert.ok(bad[0]!.detail.startsWith(`${record}:17: cannot parse 'not a setting'`), bad[0]!.detail);
  assert.equal(diffSnapshots(before, await snapshot(root)), [], '--repair touched the sandbox of an unreadable record');
});

test('--repair on a live host needs root', async () => {
  const r = await sandbox(undefined, ['doctor', '--repair'], { asNobody: true });
  assert.is(r.code, 5, r.stderr);
  assert.match(r.stderr, /run it as root/);
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
