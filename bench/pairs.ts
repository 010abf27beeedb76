// Before and after, side by side in one host: the create of one apache2
// sandbox, and the commands issue 17 keeps from getting slower (list and
// status at N sandboxes, --help, start and delete of 100), run alternately
// with two bundles, the order swapped every round; the median of each and of
// the pair ratios (after / before).
//   BENCH_BEFORE=/other/checkout/dist/sandbox.mjs node dist/bench/pairs.js [N=1000] [ROUNDS=15] [BATCH_ROUNDS=3]
import { beforePath, figure, median, must, runBench, SANDBOX, timed, withBenchHost } from './host-bench.js';

const N = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 15);
const BATCH_ROUNDS = Number(process.argv[4] ?? 3);
const BATCH = 100;
const after = SANDBOX;
let before = '';
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`).join(' ');

/** Times `cmd(cli)` for both CLIs, `rounds` times, alternating which goes first; prints the medians and the median pair ratio. */
async function pairs(name: string, rounds: number, cmd: (cli: string, round: number, which: 'before' | 'after') => Promise<number>): Promise<void> {
  const b: number[] = [];
  const a: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
    for (const w of order) (w === 'before' ? b : a).push(await cmd(w === 'before' ? before : after, r, w));
  }
  figure(`${name}.before`, median(b), 'ms');
  figure(`${name}.after`, median(a), 'ms');
  figure(`${name}.after_over_before`, median(a.map((x, i) => x / b[i]!)), 'x');
}

await runBench(() => {
  before = `node ${beforePath()}`;
  return withBenchHost('bench-pairs', async (h) => {
    for (let done = 0; done < N; done += BATCH) await must(h, `${SANDBOX} create -u sbxdemo.service ${names(`s${done}-`, Math.min(BATCH, N - done))} >/dev/null`);
    process.stderr.write(`  ${N} sandboxes\n`);
    // create of one apache2 sandbox (the unit of issue 17's create+start), a new name each time
    await pairs('pairs.create_apache2', ROUNDS, (cli, r, w) => timed(h, `${cli} create -u apache2.service a${w}${r}`));
    await pairs(`pairs.list_at_${N}`, ROUNDS, (cli) => timed(h, `${cli} list`));
    await pairs(`pairs.status_at_${N}`, ROUNDS, (cli) => timed(h, `${cli} status s0-1`));
    await pairs('pairs.help', ROUNDS, (cli) => timed(h, `${cli} --help`));
    // start and delete of a batch of 100 made (untimed) by the new CLI, BATCH_ROUNDS rounds each way
    await pairs(`pairs.start_${BATCH}_at_${N}`, BATCH_ROUNDS, async (cli, r, w) => {
      await must(h, `${SANDBOX} create -u sbxdemo.service ${names(`${w}${r}-`, BATCH)} >/dev/null`);
      return timed(h, `${cli} start ${names(`${w}${r}-`, BATCH)}`);
    });
    await pairs(`pairs.delete_${BATCH}_at_${N}`, BATCH_ROUNDS, (cli, r, w) => timed(h, `${cli} delete --force ${names(`${w}${r}-`, BATCH)}`));
  });
});
