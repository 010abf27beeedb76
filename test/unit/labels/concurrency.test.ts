// 32 processes allocating at once, and processes killed at random moments:
// no label is ever handed out twice, and none is lost for good.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openLabelStore } from '../../../src/labels/store.js';
import { Registry } from '../../../src/labels/registry.js';
import { registryDir } from '../../../src/layout.js';
import { rejects, removeRoot, startWorker, tempRoot, writeConfig } from './temp-root.js';

async function registryState(dir: string): Promise<{ levels: Map<string, string>; byName: Map<string, string> }> {
  const levels = new Map<string, string>();
  for (const state of ['pending', 'held']) {
    for (const n of (await fs.readdir(path.join(dir, state))).filter((x) => /^c\d+,c\d+$/.test(x))) {
      const body = JSON.parse(await fs.readFile(path.join(dir, state, n), 'utf8')) as { sandbox: string };
      assert.not.ok(levels.has(n), `${n} is both pending and held`);
      levels.set(n, body.sandbox);
    }
  }
  const byName = new Map<string, string>();
  for (const n of await fs.readdir(path.join(dir, 'by-name'))) byName.set(n, (await fs.readFile(path.join(dir, 'by-name', n), 'utf8')).trim());
  return { levels, byName };
}

test('32 processes × 20 allocations at once: 640 labels, all distinct, all in the registry', async () => {
  const p = tempRoot();
  try {
    const runs = Array.from({ length: 32 }, (_, i) => startWorker(p.root, 20, `w${i}`));
    const results = await Promise.all(runs.map((r) => r.done));
    assert.equal(results.map((r) => r.code), Array(32).fill(0));
    const levels = results.flatMap((r) => r.labels.map((l) => l.split(' ')[1]!));
    assert.is(levels.length, 640);
    assert.is(new Set(levels).size, 640, 'a label was handed out twice');
    const { levels: held } = await registryState(registryDir(p));
    assert.is(held.size, 640);
  } finally {
    await removeRoot(p);
  }
});

test('SIGKILL at random moments (40 trials): consistent registry, no label twice, stale reservations reclaimed', async () => {
  const p = tempRoot();
  // 6 categories = 15 pairs: small enough that a lost label would show
  await writeConfig(p, 0, 5);
  try {
    const store = await openLabelStore(p);
    let killed = 0;
    for (let trial = 0; trial < 40; trial++) {
      const victim = startWorker(p.root, 3, `v${trial}`);
      const bystander = startWorker(p.root, 1, `b${trial}`);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 200)));
      victim.kill();
      const [v, b] = await Promise.all([victim.done, bystander.done]);
      if (v.signal === 'SIGKILL') killed++;
      const { levels, byName } = await registryState(registryDir(p));
      // every by-name entry points at a reservation naming it
      // (a killed worker may leave a by-name entry whose reservation it never wrote)
      for (const [name, key] of byName) {
        if (levels.has(key)) assert.is(levels.get(key), name);
        else assert.ok(name.startsWith('v'), `${name} points at ${key}, which no reservation holds`);
      }
      assert.is(levels.get(byName.get(`b${trial}-0`)!), `b${trial}-0`, 'the bystander holds its label');
      const handed = [...v.labels, ...b.labels].map((l) => l.split(' ')[1]);
      assert.is(new Set(handed).size, handed.length);
      // free what the trial's sandboxes hold (the victim may have committed a label it died before printing),
      // so the next trial starts from an empty range; pending ones of dead workers stay for the allocator to reclaim
      for (const name of [`v${trial}-0`, `v${trial}-1`, `v${trial}-2`, `b${trial}-0`]) {
        const key = await new Registry(p).labelOf(name);
        if (key && (await new Registry(p).read(key))?.state === 'committed') await store.release(name);
      }
      assert.ok(b.code === 0, `bystander failed in trial ${trial}`);
    }
    assert.ok(killed > 0, 'no worker was ever killed mid-run');
    // the killed workers' pending reservations are stale now: the whole range is allocatable again
    const all: string[] = [];
    for (let i = 0; i < 15; i++) all.push((await store.allocate(`final-${i}`)).level);
    assert.is(new Set(all).size, 15);
    await rejects(store.allocate('one-too-many'), /no free MCS label/);
  } finally {
    await removeRoot(p);
  }
});

test.run();
