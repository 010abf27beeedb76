// sandbox create + start against the same work done by hand (cp -a of the
// same paths, the same unit text, daemon-reload, start), median of 5 each,
// three ways: one sandbox per call (two processes: create, start), the same
// in one process (create --now), and a batch
// of BATCH sandboxes in one create and one start call against the same
// BATCH done by one script with one daemon-reload and one systemctl start.
// For apache2, a peer too: `podman run -d --rootfs` of the same apache2, in
// the same rounds (podman.ts; skipped with a message where podman cannot run).
// Every ratio is the median of the ratios of each round's pair.
//   node dist/bench/create-vs-hand.js
import { figure, median, must, runBench, SANDBOX, timed, verifyServing, withBenchHost } from './host-bench.js';
import { podmanPeer, type PodmanPeer } from './podman.js';
import type { SandboxHost } from '../test/integration/sandbox-host.js';

const RUNS = 5;
const BATCH = 10;

/** The by-hand script for `names`, built from what sandbox itself did for a sandbox `ref`. */
async function byHandScript(h: SandboxHost, service: string, ref: string, names: string[]): Promise<string> {
  const prefix = service.replace('.service', '');
  const plan = await must(h, `${SANDBOX} create --dry-run -u ${service} dryrun`);
  const paths = [...plan.matchAll(/^\s+(?:whole|entry)\s+(\S+)/gm)].map((m) => m[1]!);
  const units = (await must(h, `ls -d /etc/systemd/system/${prefix}@*`)).trim().split('\n').filter((u) => u.includes(`@${ref}.`));
  const one = (name: string) => {
    const tree = `/var/lib/sandbox/${name}`;
    const copies = paths.map((p) => `mkdir -p ${tree}$(dirname ${p}) && cp -a ${p} ${tree}${p}`).join(' && ');
    const unitCopies = units.map((u) => `cp -a ${u} ${u.replace(`@${ref}.`, `@${name}.`)}`).join(' && ');
    if (!paths.length || !units.length) throw new Error(`the by-hand script for ${service} would copy nothing (${paths.length} paths, ${units.length} units)`);
    return `${copies} && ${unitCopies} && sed -i 's/${ref}/${name}/g' /etc/systemd/system/${prefix}@${name}.service.d/50-sandbox.conf`;
  };
  return `${names.map(one).join(' && ')} && systemctl daemon-reload && systemctl start ${names.map((n) => `${prefix}@${n}.service`).join(' ')}`;
}

async function cleanHand(h: SandboxHost, prefix: string, names: string[]): Promise<void> {
  const units = names.map((n) => `${prefix}@${n}.service`).join(' ');
  const files = names.map((n) => `/var/lib/sandbox/${n} /etc/systemd/system/${prefix}@${n}.service /etc/systemd/system/${prefix}@${n}.service.d`).join(' ');
  await must(h, `systemctl stop ${units} && rm -rf ${files} && systemctl daemon-reload`);
}

/** The median of a[i] / b[i]: each round's tool and peer ran back to back, under the same load. */
function pairRatio(a: number[], b: number[]): number {
  return median(a.map((x, i) => x / b[i]!));
}

async function compare(h: SandboxHost, service: string, podman?: PodmanPeer): Promise<void> {
  const prefix = service.replace('.service', '');
  const ref = 'ref';
  await must(h, `${SANDBOX} create -u ${service} ${ref}`);
  const tool: number[] = [];
  const toolNow: number[] = [];
  const hand: number[] = [];
  const toolBatch: number[] = [];
  const handBatch: number[] = [];
  const peer: number[] = [];
  const toolCreate: number[] = [];
  const toolStart: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (podman) peer.push(await podman.run(`pm${i}`));
    // Timed apart, so the figures say which half the time went to (start watches the unit 2.5 s: lifecycle/settle.ts).
    const c = await timed(h, `${SANDBOX} create -u ${service} t${i}`);
    const s = await timed(h, `${SANDBOX} start t${i}`);
    toolCreate.push(c);
    toolStart.push(s);
    tool.push(c + s);
    await verifyServing(h, service, [`t${i}`]);
    await must(h, `${SANDBOX} delete --force t${i}`);
    toolNow.push(await timed(h, `${SANDBOX} create --now -u ${service} n${i}`));
    await verifyServing(h, service, [`n${i}`]);
    await must(h, `${SANDBOX} delete --force n${i}`);
    hand.push(await timed(h, await byHandScript(h, service, ref, [`h${i}`])));
    await verifyServing(h, service, [`h${i}`]);
    await cleanHand(h, prefix, [`h${i}`]);

    const names = Array.from({ length: BATCH }, (_, k) => `tb${i}x${k}`);
    toolBatch.push(await timed(h, `${SANDBOX} create -u ${service} ${names.join(' ')} && ${SANDBOX} start ${names.join(' ')}`));
    await verifyServing(h, service, names);
    await must(h, `${SANDBOX} delete --force ${names.join(' ')}`);
    const handNames = names.map((n) => `h${n}`);
    handBatch.push(await timed(h, await byHandScript(h, service, ref, handNames)));
    await verifyServing(h, service, handNames);
    await cleanHand(h, prefix, handNames);
  }
  await must(h, `${SANDBOX} delete --force ${ref}`);
  figure(`create_start.${prefix}.sandbox`, median(tool), 'ms');
  figure(`create_start.${prefix}.sandbox.create`, median(toolCreate), 'ms');
  figure(`create_start.${prefix}.sandbox.start`, median(toolStart), 'ms');
  figure(`create_start.${prefix}.by_hand`, median(hand), 'ms');
  figure(`create_start.${prefix}.ratio`, pairRatio(tool, hand), 'x', { max: 1.2 });
  figure(`create_start.${prefix}.create_now`, median(toolNow), 'ms');
  figure(`create_start.${prefix}.create_now.ratio`, pairRatio(toolNow, hand), 'x', { max: 1.2 });
  if (podman) {
    figure(`create_start.${prefix}.podman_run`, median(peer), 'ms');
    // Faster than podman: the tool's time over podman's below 1.
    figure(`create_start.${prefix}.over_podman`, pairRatio(tool, peer), 'x', { max: 1 });
    figure(`create_start.${prefix}.create_now.over_podman`, pairRatio(toolNow, peer), 'x', { max: 1 });
  }
  figure(`create_start.${prefix}.batch_${BATCH}.sandbox`, median(toolBatch), 'ms');
  figure(`create_start.${prefix}.batch_${BATCH}.by_hand`, median(handBatch), 'ms');
  figure(`create_start.${prefix}.batch_${BATCH}.ratio`, pairRatio(toolBatch, handBatch), 'x', { max: 1.2 });
}

await runBench(() =>
  withBenchHost('bench-create', async (h) => {
    await compare(h, 'apache2.service', await podmanPeer(h));
    await compare(h, 'sbxdemo.service');
  }),
);
