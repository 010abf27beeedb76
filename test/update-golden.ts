// The one way golden files change: `npm run golden:update`, then read the diff
// (git diff test/fixtures/golden) before committing. Golden files no case
// generates any more are removed.
import { readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatedSet, goldenDir } from './unit/generate/golden-cases.js';

const generated = generatedSet();
for (const [name, content] of generated) writeFileSync(path.join(goldenDir, name), content);
for (const name of readdirSync(goldenDir)) {
  if (!generated.has(name)) {
    unlinkSync(path.join(goldenDir, name));
    console.log(`removed ${name}`);
  }
}
console.log(`${generated.size} golden files written to ${path.relative(process.cwd(), goldenDir)}`);
