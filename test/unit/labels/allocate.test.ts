// The allocator's promises, one by one: range, order, reserved pairs, every
// source of held labels, static labels, release, and a full space.
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLabelStore } from '../../../src/labels/store.js';
import { serializeRecord } from '../../../src/config/record.js';
import { recordPath } from '../../../src/layout.js';
import { pairAt, pairCount, parseLevel, pairKey } from '../../../src/selinux/mcs.js';
import { ConflictError, UsageError } from '../../../src/errors.js';
import { config, rejects, removeRoot, seeded, startWorker, tempRoot, writeConfig } from './temp-root.js';
import type { Paths } from '../../../src/paths.js';

async function withRoot(fn: (p: Paths) => Promise<void>): Promise<void> {
  const p = tempRoot();
  try {
    await fn(p);
  } finally {
    await removeRoot(p);
  }
}

/** A fake /proc and selinuxfs: SELinux "on", our own context, and other processes' contexts. */
async function fakeSelinux(p: Paths, self: string, procs: Record<string, string>): Promise<{ procRoot: string; selinuxRoot: string }> {
  const procRoot = path.join(p.root, 'fake-proc');
  const selinuxRoot = path.join(p.root, 'fake-selinux');
  await fs.mkdir(selinuxRoot, { recursive: true });
  await fs.writeFile(path.join(selinuxRoot, 'enforce'), '1');
  for (const [pid, ctx] of Object.entries({ self, ...procs })) {
    await fs.mkdir(path.join(procRoot, pid, 'attr'), { recursive: true });
    await fs.writeFile(path.join(procRoot, pid, 'attr', 'current'), ctx + '\0');
  }
  return { procRoot, selinuxRoot };
}

test('pairAt covers every pair of a range exactly once, in order', () => {
  for (const r of [{ min: 0, max: 1 }, { min: 0, max: 5 }, { min: 3, max: 9 }]) {
    const keys = Array.from({ length: pairCount(r) }, (_, i) => pairKey(pairAt(r, i)));
    assert.is(new Set(keys).size, pairCount(r));
    for (const k of keys) {
      const [a, b] = k.split(',').map((x) => Number(x.slice(1)));
      assert.ok(a! >= r.min && b! <= r.max && a! < b!, k);
    }
  }
  assert.is(pairCount({ min: 0, max: 1023 }), 523776);
});

test('1,500 allocations (seeded): in range, A < B, never reserved, never twice', () =>
  withRoot(async (p) => {
    const store = await openLabelStore(p, { config: config(0, 99, ['c0,c1', 'c98,c99']), random: seeded(42) });
    const seen = new Set<string>();
    for (let i = 0; i < 1500; i++) {
      const l = await store.allocate(`s${i}`);
      await store.commit(`s${i}`);
      const pair = parseLevel(l.level)!;
      assert.ok(pair.a < pair.b && pair.a >= 0 && pair.b <= 99, l.level);
      assert.ok(l.level !== 's0:c0,c1' && l.level !== 's0:c98,c99', l.level);
      assert.not.ok(seen.has(l.level));
      seen.add(l.level);
    }
  }));

test('a tiny range fills up, then fails at once with the clear error; a release makes room again', () =>
  withRoot(async (p) => {
    const store = await openLabelStore(p, { config: config(0, 4, ['c0,c4']) });
    for (let i = 0; i < 9; i++) await store.allocate(`t${i}`);
    const e = await store.allocate('full').then(() => undefined, (x: Error) => x);
    assert.match(String(e?.message), /no free MCS label: all 10 pairs of c0-c4 are held or reserved; delete a sandbox or widen \[labels\] categories/);
    await store.release('t3');
    assert.ok(parseLevel((await store.allocate('again')).level));
  }));

test('peek writes nothing', () =>
  withRoot(async (p) => {
    const store = await openLabelStore(p, { config: config(0, 9) });
    await store.peek();
    assert.equal(await fs.readdir(p.root), []);
  }));

test('a level in a sandbox record, on a tree root, or on a running process is never handed out', () =>
  withRoot(async (p) => {
    // range c0-c2: pairs c0,c1 c0,c2 c1,c2
    await fs.mkdir(p.configDir, { recursive: true });
    const rec = { name: 'old', units: ['x.service'], packages: [], label: 's0:c0,c1', processContext: 'a:b:c:s0:c0,c1', fileContext: 'a:b:c:s0:c0,c1', tree: '/var/lib/sandbox/old', network: 'none' as const, security: 'dynamic' as const, created: '', version: '0' };
    await fs.writeFile(recordPath(p, 'old'), serializeRecord(rec));
    await fs.mkdir(path.join(p.stateDir, 'hand-made'), { recursive: true });
    execFileSync('setfattr', ['-n', 'security.selinux', '-v', 'system_u:object_r:svirt_sandbox_file_t:s0:c0,c2', path.join(p.stateDir, 'hand-made')]);
    const fake = await fakeSelinux(p, 'unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023', { '1234': 'system_u:system_r:container_t:s0:c1,c2' });
    const store = await openLabelStore(p, { config: config(0, 2, []), ...fake });
    const e = await store.allocate('new').then(() => undefined, (x: Error) => x);
    assert.match(String(e?.message), /no free MCS label/);
    // without the process's label, the one pair left is handed out
    await fs.writeFile(path.join(fake.procRoot, '1234', 'attr', 'current'), 'system_u:system_r:init_t:s0\0');
    assert.is((await store.allocate('new')).level, 's0:c1,c2');
  }));

test("with SELinux on, labels stay within the caller's own category range", () =>
  withRoot(async (p) => {
    const fake = await fakeSelinux(p, 'unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c3', {});
    const store = await openLabelStore(p, { config: config(0, 1023), ...fake });
    for (let i = 0; i < 6; i++) assert.ok(parseLevel((await store.allocate(`r${i}`)).level)!.b <= 3);
    await rejects(store.allocate('r6'), /no free MCS label: all 6 pairs of c0-c3/);
  }));

test('static labels: validated, refused when held by another sandbox or a process, recorded like dynamic ones', () =>
  withRoot(async (p) => {
    const fake = await fakeSelinux(p, 'unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023', { '77': 'system_u:system_r:container_t:s0:c3,c7' });
    const store = await openLabelStore(p, { config: config(0, 1023), ...fake });
    for (const bad of ['s0', 's0:c5,c2', 's0:c1', 'garbage', 'a:b:c:s0:c1.c5']) {
      await rejects(store.reserveStatic('x', bad), UsageError, bad);
    }
    const l = await store.reserveStatic('web', 'system_u:system_r:svirt_lxc_net_t:s0:c5,c9');
    assert.is(l.level, 's0:c5,c9');
    await rejects(store.reserveStatic('other', 's0:c5,c9'), ConflictError);
    await rejects(store.reserveStatic('other', 'system_u:system_r:container_t:s0:c3,c7'), /held by process 77/);
    const held = await store.list();
    assert.equal(held.map((h) => [h.level, h.sandbox, h.state]), [['s0:c5,c9', 'web', 'pending']]);
    await store.commit('web');
    assert.is((await store.list())[0]!.state, 'committed');
    await store.release('web');
    assert.equal(await store.list(), []);
  }));

test('static labels obey the range and the reserved list as allocated ones do (issue 19 item 6); nothing is written', () =>
  withRoot(async (p) => {
    const fake = await fakeSelinux(p, 'system_u:system_r:init_t:s0-s0:c0.c700', {});
    const store = await openLabelStore(p, { config: config(0, 1023), ...fake });
    for (const [label, why] of [
      ['s0:c1022,c1023', /reserved/],
      ['system_u:system_r:svirt_lxc_net_t:s0:c1022,c1023', /reserved/],
      ['s0:c5,c800', /outside the categories .*c0-c700/],
    ] as const) {
      await rejects(store.reserveStatic('x', label), UsageError, label);
      await rejects(store.checkStatic('x', label), UsageError, label);
      await rejects(store.reserveStatic('x', label), why, label);
    }
    const narrow = await openLabelStore(p, { config: config(10, 20) });
    await rejects(narrow.reserveStatic('x', 's0:c5,c15'), /outside the categories .*c10-c20/);
    // The registry was never made: refused before the lock.
    assert.is(await fs.stat(path.join(p.stateDir, '.labels')).then(() => true, () => false), false);
    assert.is((await narrow.reserveStatic('x', 's0:c12,c15')).level, 's0:c12,c15');
  }));

test('one store for a batch: labels another process takes meanwhile, or a dead create left with its record written, are never handed out', () =>
  withRoot(async (p) => {
    // range c0-c4: 10 pairs
    await writeConfig(p, 0, 4);
    const store = await openLabelStore(p, { config: config(0, 4, []), random: seeded(7) });
    const mine = [(await store.allocate('b0')).level];
    await store.commit('b0');
    // records and tree labels were read by that first allocation; now another process takes two labels
    const other = await startWorker(p.root, 2, 'other').done;
    assert.is(other.code, 0);
    const theirs = other.labels.map((l) => l.split(' ')[1]!);
    // and a create that died after writing its record, before its commit: pending, dead owner, record on disk
    const dead = spawnSync('true').pid;
    const key = Array.from({ length: 10 }, (_, i) => pairKey(pairAt({ min: 0, max: 4 }, i))).find((k) => ![...mine, ...theirs].includes(`s0:${k}`))!;
    const ghost = `s0:${key}`;
    await fs.writeFile(path.join(p.stateDir, '.labels', 'pending', key), JSON.stringify({ sandbox: 'ghost', pid: dead, start: 'gone', since: new Date().toISOString() }) + '\n');
    await fs.writeFile(path.join(p.stateDir, '.labels', 'by-name', 'ghost'), key + '\n');
    const rec = { name: 'ghost', units: ['x.service'], packages: [], label: ghost, processContext: `a:b:c:${ghost}`, fileContext: `a:b:c:${ghost}`, tree: '/var/lib/sandbox/ghost', network: 'none' as const, security: 'dynamic' as const, created: '', version: '0' };
    await fs.writeFile(recordPath(p, 'ghost'), serializeRecord(rec));
    // the batch goes on until the space is full
    for (let i = 1; ; i++) {
      const l = await store.allocate(`b${i}`).catch((e: Error) => e);
      if (l instanceof Error) {
        assert.match(l.message, /no free MCS label/);
        break;
      }
      mine.push(l.level);
      await store.commit(`b${i}`);
    }
    assert.is(new Set([...mine, ...theirs]).size, mine.length + theirs.length, 'no label twice');
    assert.not.ok(mine.includes(ghost), 'the dead create\'s label, held by its record, was handed out');
    assert.is(mine.length + theirs.length, 9, 'every other pair was handed out');
    assert.ok(await fs.stat(path.join(p.stateDir, '.labels', 'pending', key)).then(() => true, () => false), 'its reservation stays while its record exists');
  }));

test('a sandbox holds one label; allocate twice for one name is a conflict', () =>
  withRoot(async (p) => {
    const store = await openLabelStore(p, { config: config(0, 1023) });
    await store.allocate('one');
    await rejects(store.allocate('one'), ConflictError);
    const u = await store.usage();
    assert.equal([u.held, u.total], [1, 523775]);
  }));

test.run();
