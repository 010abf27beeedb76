// The runner itself, on fixture test files that fail, skip, crash, hang, or
// whose hook throws: each must give the right counts, the cause, and exit 1.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(dist, '../../test/fixtures/runner');

function run(fixture: string, env: Record<string, string> = {}, extra: string[] = []) {
  const r = spawnSync(process.execPath, [path.join(dist, 'run.js'), '--dir', path.join(fixtures, fixture), '--timeout', '4', ...extra], {
    encoding: 'utf8',
    env: { ...process.env, CI: '', ...env },
    timeout: 60_000,
  });
  const lines = r.stdout.trim().split('\n');
  return { status: r.status, last: lines[lines.length - 1], out: r.stdout, err: r.stderr };
}

test('a failing file plus a skipping file: failures counted, skips counted once and shown, exit 1', () => {
  const r = run('fail-and-skip');
  assert.is(r.last, '1 passed, 2 failed, 2 skipped');
  assert.is(r.status, 1);
  assert.match(r.out, 'fails.test.mjs: 2 test(s) failed');
});

test('a file that throws at import counts as failed, with its error on stderr', () => {
  const r = run('import-throws');
  assert.is(r.last, '0 passed, 1 failed');
  assert.is(r.status, 1);
  assert.match(r.err, 'fixture: broken at import');
  assert.match(r.out, 'throws.test.mjs: exited 1 without a summary');
});

test('a file that never finishes is killed at its timeout and counts as failed', () => {
  const started = Date.now();
  const r = run('hangs');
  assert.is(r.last, '0 passed, 1 failed');
  assert.is(r.status, 1);
  assert.match(r.out, 'did not finish within 4 s');
  assert.ok(Date.now() - started < 30_000, 'the runner went on after the timeout');
});

test('a before hook that throws: its tests fail and its error is in the output', () => {
  const r = run('before-throws');
  assert.is(r.last, '0 passed, 2 failed');
  assert.is(r.status, 1);
  assert.match(r.out, 'before hook threw: Error: fixture: qemu is missing');
});

test('test.only filters the other tests out: the file counts as failed', () => {
  const r = run('only');
  assert.is(r.last, '1 passed, 1 failed');
  assert.is(r.status, 1);
  assert.match(r.out, 'uses test.only');
});

test('in CI as root, a skip fails unless its name says why it cannot run there', () => {
  const outside = run('ci-skip');
  assert.is(outside.last, '1 passed, 0 failed, 2 skipped');
  assert.is(outside.status, 0);
  const r = run('ci-skip', { CI: 'true' });
  if (process.getuid?.() === 0) {
    assert.is(r.last, '1 passed, 1 failed, 2 skipped');
    assert.is(r.status, 1);
    assert.match(r.out, 'skipped in CI without saying why it cannot run here: just skipped');
  } else {
    assert.is(r.last, '1 passed, 0 failed, 2 skipped', 'CI rules apply to root runs only');
  }
});

test('files left out by a filter count as failed', () => {
  const r = run('fail-and-skip', {}, ['skips']);
  assert.is(r.last, '0 passed, 1 failed, 2 skipped');
  assert.is(r.status, 1);
  assert.match(r.out, '1 test file(s) not run: left out by skips');
});

test('a clean file passes with exit 0', () => {
  const r = run('clean');
  assert.is(r.last, '2 passed, 0 failed');
  assert.is(r.status, 0);
});

test.run();
