// sandbox create + start against the same work done by hand (cp -a of the
// same paths, the same unit text, daemon-reload, start), median of 5 each.
//   node dist/bench/create-vs-hand.js
import { figure, median, SANDBOX, timed, withBenchHost } from './host-bench.js';
import type { SandboxHost } from '../test/integration/sandbox-host.js';

const RUNS = 5;

/** The by-hand script, built from what sandbox itself did for a sandbox `ref`. */
async function byHandScript(h: SandboxHost, service: string, ref: string, name: string): Promise<string> {
  const prefix = service.replace('.service', '');
  const plan = await h.ok(`${SANDBOX} create --dry-run -u ${service} dryrun`);
  const paths = [...plan.matchAll(/^\s+(?:whole|entry)\s+(\S+)/gm)].map((m) => m[1]!);
  const tree = `/var/lib/sandbox/${name}`;
  const copies = paths.map((p) => `mkdir -p ${tree}$(dirname ${p}) && cp -a ${p} ${tree}${p}`).join(' && ');
  const units = await h.ok(`ls -d /etc/systemd/system/${prefix}@*`);
  const unitCopies = units
    .trim()
    .split('\n')
    .filter((u) => u.includes(`@${ref}.`))
    .map((u) => `cp -a ${u} ${u.replace(`@${ref}.`, `@${name}.`)}`)
    .join(' && ');
  return `${copies} && ${unitCopies || 'true'} && sed -i 's/${ref}/${name}/g' /etc/systemd/system/${prefix}@${name}.service.d/50-sandbox.conf 2>/dev/null; systemctl daemon-reload && systemctl start ${prefix}@${name}.service`;
}

async function compare(h: SandboxHost, service: string): Promise<void> {
  const prefix = service.replace('.service', '');
  const ref = 'ref';
  await h.ok(`${SANDBOX} create -u ${service} ${ref}`);
  const tool: number[] = [];
  const hand: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    tool.push(await timed(h, `${SANDBOX} create -u ${service} t${i} && ${SANDBOX} start t${i}`));
    await h.ok(`${SANDBOX} delete --force t${i}`);
    const script = await byHandScript(h, service, ref, `h${i}`);
    hand.push(await timed(h, script));
    await h.ok(`systemctl stop ${prefix}@h${i}.service; rm -rf /var/lib/sandbox/h${i} /etc/systemd/system/${prefix}@h${i}.service /etc/systemd/system/${prefix}@h${i}.service.d; systemctl daemon-reload`);
  }
  await h.ok(`${SANDBOX} delete --force ${ref}`);
  figure(`create_start.${prefix}.sandbox`, median(tool), 'ms', 'none');
  figure(`create_start.${prefix}.by_hand`, median(hand), 'ms', 'none');
  figure(`create_start.${prefix}.ratio`, median(tool) / median(hand), 'x', '<= 1.2x');
}

await withBenchHost('bench-create', async (h) => {
  await compare(h, 'apache2.service');
  await compare(h, 'sbxdemo.service');
});
