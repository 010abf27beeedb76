// Creates sandboxes 1…N of the fixture service in one host and records each
// create's time; then `sandbox list` and `sandbox status` at N sandboxes, and
// BATCH more sandboxes made by one `sandbox create -u UNIT NAME…` call, with
// its peak RSS (GNU time's %M: the largest of the CLI and its children).
//   node dist/bench/scale.js [N=1000]
import { BenchFailure, figure, median, must, runBench, SANDBOX, timed, verifyServing, withBenchHost } from './host-bench.js';

const N = Number(process.argv[2] ?? 1000);
const BATCH = 100;

await runBench(() =>
 withBenchHost('bench-scale', async (h) => {
  const times: number[] = [];
  for (let i = 1; i <= N; i++) {
    times.push(await timed(h, `${SANDBOX} create -u sbxdemo.service s${i}`));
    if (i % 100 === 0) process.stderr.write(`  ${i} sandboxes, last create ${times[i - 1]!.toFixed(0)} ms\n`);
  }
  const at = (k: number) => median(times.slice(Math.max(0, k - 3), Math.min(N, k + 2)));
  // every create above exited 0 (timed() fails otherwise); check they are all there
  const listed = JSON.parse(await must(h, `${SANDBOX} list --json`)) as unknown[];
  if (listed.length !== N) throw new BenchFailure(`sandbox list shows ${listed.length} sandboxes, ${N} were created`);
  await must(h, `${SANDBOX} start s1 s${N}`);
  await verifyServing(h, 'sbxdemo.service', ['s1', `s${N}`]);
  figure('scale.create_1', at(1), 'ms');
  if (N >= 100) figure('scale.create_100', at(100), 'ms');
  figure(`scale.create_${N}`, at(N), 'ms');
  figure(`scale.create_${N}_over_create_1`, at(N) / at(1), 'x', { max: 2 });
  const list: number[] = [];
  const status: number[] = [];
  for (let i = 0; i < 5; i++) {
    list.push(await timed(h, `${SANDBOX} list`));
    status.push(await timed(h, `${SANDBOX} status s${N}`));
  }
  figure(`scale.list_at_${N}`, median(list) / 1000, 's', { max: 0.5 });
  figure(`scale.status_at_${N}`, median(status), 'ms');
  // The batch form: BATCH more sandboxes in one call, with one daemon-reload.
  const names = Array.from({ length: BATCH }, (_, i) => `batch${i + 1}`);
  const batch = await timed(h, `/usr/bin/time -f %M -o /tmp/batch-rss ${SANDBOX} create -u sbxdemo.service ${names.join(' ')}`);
  const rssKiB = Number((await must(h, 'cat /tmp/batch-rss')).trim().split('\n').pop());
  const after = JSON.parse(await must(h, `${SANDBOX} list --json`)) as unknown[];
  if (after.length !== N + BATCH) throw new BenchFailure(`after the batch, sandbox list shows ${after.length} sandboxes, not ${N + BATCH}`);
  figure(`scale.batch_${BATCH}_at_${N}`, batch / 1000, 's');
  figure(`scale.batch_${BATCH}_at_${N}.per_sandbox`, batch / BATCH, 'ms', { max: 100 });
  figure(`scale.batch_${BATCH}_at_${N}.peak_rss`, rssKiB / 1024, 'MiB', { max: 150 });
  // The other commands issue 17 keeps from getting slower: start and delete of the batch, --help.
  figure(`scale.start_${BATCH}_at_${N}`, await timed(h, `${SANDBOX} start ${names.join(' ')}`), 'ms');
  await verifyServing(h, 'sbxdemo.service', [names[0]!, names[BATCH - 1]!]);
  const help: number[] = [];
  for (let i = 0; i < 5; i++) help.push(await timed(h, `${SANDBOX} --help`));
  figure('scale.help', median(help), 'ms');
  figure(`scale.delete_${BATCH}_at_${N}`, await timed(h, `${SANDBOX} delete --force ${names.join(' ')}`), 'ms');
 }),
);
