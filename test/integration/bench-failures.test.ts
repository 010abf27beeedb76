// The benchmarks, fed a `sandbox` that fails, exit non-zero and name the
// command that failed: a failure is never timed as a success.
import { execa } from 'execa';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findProjectDir } from '../host/throwaway-host.js';

const project = findProjectDir();
const failingCli = path.join(project, 'test/fixtures/bench/failing-cli.mjs');

async function bench(script: string, ...args: string[]) {
  return execa(process.execPath, [path.join(project, 'dist/bench', script), ...args], {
    reject: false,
    env: { BENCH_CLI: failingCli },
    timeout: 300_000,
  });
}

test('create-vs-hand exits 1 and names the failed create', async () => {
  const r = await bench('create-vs-hand.js');
  assert.is(r.exitCode, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /bench FAILED: .*create -u apache2\.service ref.* exited 1: sandbox: fixture failure/);
  assert.not.match(r.stdout, /: \d+ ms/, 'no figure printed');
});

test('scale exits 1 and names the failed create', async () => {
  const r = await bench('scale.js', '3');
  assert.is(r.exitCode, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /bench FAILED: timed command '.*create -u sbxdemo\.service s1' exited 1: sandbox: fixture failure/);
  assert.not.match(r.stdout, /scale\./, 'no figure printed');
});

test('overhead exits 1 and names the failed create', async () => {
  const r = await bench('overhead.js');
  assert.is(r.exitCode, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /bench FAILED: .*create -u apache2\.service ov.* exited 1/);
  assert.not.match(r.stdout, /overhead\./, 'no figure printed');
});

test.run();
