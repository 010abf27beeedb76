// A separate process allocating labels, like one `sandbox create` each.
import { makePaths } from '../../../src/paths.js';
import { openLabelStore } from '../../../src/labels/store.js';

const [root, count, prefix] = process.argv.slice(2);
const store = await openLabelStore(makePaths(root));
for (let i = 0; i < Number(count); i++) {
  const name = `${prefix}-${i}`;
  const l = await store.allocate(name);
  await store.commit(name);
  process.stdout.write(`${name} ${l.level}\n`);
}
