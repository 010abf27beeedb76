// Allocation time with 0, 10,000 and 500,000 labels held. The registry is
// filled directly in its on-disk format (held/<cA,cB>), then every figure is
// measured through the real allocate() + commit() of src/labels/store.ts.
//   node dist/bench/labels.js
import { mkdtempSync, promises as fs, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePaths } from '../src/paths.js';
import { openLabelStore } from '../src/labels/store.js';
import { Registry } from '../src/labels/registry.js';
import { pairAt, pairCount, pairKey } from '../src/selinux/mcs.js';
import { BenchFailure, figure, median, runBench } from './host-bench.js';

const RANGE = { min: 0, max: 1023 };
const RUNS = 15;

async function measure(held: number): Promise<number> {
  const paths = makePaths(mkdtempSync(path.join(os.tmpdir(), 'sbx-bench-labels-')));
  try {
    const registry = new Registry(paths);
    await registry.ensure();
    // spread the held pairs over the whole space, as random allocation would
    const step = pairCount(RANGE) / Math.max(held, 1);
    for (let i = 0; i < held; i++) {
      writeFileSync(path.join(registry.heldDir, pairKey(pairAt(RANGE, Math.floor(i * step)))), '{"sandbox":"bench","pid":0,"start":"","since":""}\n');
    }
    const store = await openLabelStore(paths);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      const label = await store.allocate(`b${i}`);
      await store.commit(`b${i}`);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (!label) throw new BenchFailure(`allocation ${i} with ${held} held gave no label`);
    }
    const mine = (await fs.readdir(registry.heldDir)).length - held;
    if (mine !== RUNS) throw new BenchFailure(`with ${held} held, the registry holds ${mine} new labels after ${RUNS} allocations`);
    return median(times);
  } finally {
    await fs.rm(paths.root, { recursive: true, force: true });
  }
}

await runBench(async () => {
  const figures = new Map<number, number>();
  for (const held of [0, 10_000, 500_000]) {
    figures.set(held, await measure(held));
    figure(`labels.allocate.held_${held}`, figures.get(held)!, 'ms');
  }
  // the target: no growth that matters for create
  figure('labels.allocate.held_500000_over_held_0', figures.get(500_000)! / figures.get(0)!, 'x', { max: 2 });
});
