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
      await store.allocate(`b${i}`);
      await store.commit(`b${i}`);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  } finally {
    await fs.rm(paths.root, { recursive: true, force: true });
  }
}

for (const held of [0, 10_000, 500_000]) {
  const ms = await measure(held);
  console.log(`labels.allocate.held_${held}: ${ms.toFixed(1)} ms (median of ${RUNS}; target: no growth that matters for create)`);
}
