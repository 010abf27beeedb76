// The generated units for real services, compared byte for byte with golden
// files in test/fixtures/golden/ (`npm run golden:update` rewrites them: read
// the diff). A generated file without a golden file, or a golden file nothing
// generates, fails. What each case's units must contain is said by the
// `## assert-…` header lines of its file in test/fixtures/golden-cases/
// (apache2.case explains them), checked on the units parsed back and on the
// unit as systemd assembles it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cases, generate, generatedSet, goldenDir as golden, parseCase } from './golden-cases.js';
import { failedAssertions } from './golden-assert.js';
import { compareGolden } from './golden-compare.js';

test('every generated file has a golden file, every golden file is generated, and they are equal', () => {
  const problems = compareGolden(golden, generatedSet());
  assert.equal(problems, [], problems.map((p) => `${p.name}: ${p.kind}`).join('\n') + '\n(npm run golden:update, then read the diff)');
});

test('the comparison fails on a missing golden file, an extra one, and a difference', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'golden-'));
  try {
    writeFileSync(path.join(dir, 'a'), 'A');
    writeFileSync(path.join(dir, 'stale'), 'S');
    writeFileSync(path.join(dir, 'c'), 'old');
    const problems = compareGolden(dir, new Map([['a', 'A'], ['b', 'B'], ['c', 'new']]));
    assert.equal(problems, [
      { name: 'b', kind: 'missing golden file' },
      { name: 'c', kind: 'differs' },
      { name: 'stale', kind: 'golden file not generated' },
    ]);
    assert.equal(readFileSync(path.join(dir, 'c'), 'utf8'), 'old', 'comparing never writes');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('there are golden cases, and each carries assertions', () => {
  assert.ok(cases.length >= 5, `${cases.length} cases`);
  for (const c of cases) assert.ok(c.assertions.length >= 10, `${c.file}: ${c.assertions.length} assertions`);
});

for (const c of cases) {
  test(`${c.name}: the generated units keep the promises of ${c.file}`, () => {
    const files = generate(c);
    assert.equal(files.map((f) => f.role), ['service', 'dropin', 'target', 'profile']);
    assert.is(files[3]!.content, '');
    const failed = failedAssertions(c, files);
    assert.equal(failed, [], failed.join('\n'));
  });
}

test('an assertion that does not hold fails, and so does an unknown one', () => {
  const c = parseCase(
    'probe',
    ['source unitfile/apache2.service', 'unit apache2.service', 'unit-source /lib/systemd/system/apache2.service', 'vendor-template yes', 'network none',
      '## assert-key-is dropin Service PrivateNetwork no', '## assert-key-missing service Service PrivateTmp', '## assert-caps-kept effective CAP_SYS_ADMIN',
      '## assert-key-all service Service RuntimeDirectory "a b"', '## assert-bogus service x', '## assert-path nothing /x'].join('\n'),
  );
  const failed = failedAssertions(c, generate(c));
  assert.is(failed.length, 6, failed.join('\n'));
  assert.match(failed[0]!, /^probe\.case:6: assert-key-is dropin Service PrivateNetwork no: got "yes"$/);
  assert.match(failed[4]!, /unknown assertion$/);
  assert.match(failed[5]!, /no generated file 'nothing'$/);
});

test.run();
