// The benchmarks' timer and checks fail loudly: a timed command that fails is
// never a figure, and a verdict is computed against the target.
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BenchFailure, figure, median, must, timed, type Shell } from '../../../bench/host-bench.js';

const local: Shell = {
  async sh(script) {
    const r = await execa('sh', ['-c', script], { reject: false });
    return { exitCode: r.exitCode ?? 1, stdout: r.stdout, stderr: r.stderr };
  },
};

async function failure(p: Promise<unknown>): Promise<BenchFailure> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, BenchFailure);
    return e as BenchFailure;
  }
  throw new Error('expected a BenchFailure');
}

test('timed: a command that succeeds gives its time in ms', async () => {
  const ms = await timed(local, 'sleep 0.2');
  assert.ok(ms >= 190 && ms < 2000, String(ms));
});

test('timed: a failing command is a failure naming it, its status and its output', async () => {
  const e = await failure(timed(local, 'echo made-it; echo broken >&2; exit 3'));
  assert.match(e.message, "timed command 'echo made-it; echo broken >&2; exit 3' exited 3");
  assert.match(e.message, 'broken');
});

test('timed: the last command of a list decides, as in the shell', async () => {
  await failure(timed(local, 'true && false'));
});

test('must: a failing command is a failure naming it', async () => {
  const e = await failure(must(local, 'exit 7'));
  assert.match(e.message, "'exit 7' exited 7");
});

test('median of nothing is a failure, not a figure', () => {
  assert.throws(() => median([]), (e: Error) => e instanceof BenchFailure);
});

test('figure: the verdict against the target is computed', () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    figure('x.ratio', 1.31, 'x', { max: 1.2 });
    figure('y.ratio', 1.19, 'x', { max: 1.2 });
    figure('z', 5, 'ms');
    assert.throws(() => figure('nan', NaN, 'ms'));
  } finally {
    console.log = log;
  }
  assert.equal(lines, ['x.ratio: 1.31 x (target <= 1.2 x: MISSED)', 'y.ratio: 1.19 x (target <= 1.2 x: met)', 'z: 5 ms']);
});

test.run();
