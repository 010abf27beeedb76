// Runtime overhead of a sandbox: processes and RSS in the unit's cgroup,
// sandboxed against the same service run bare.
//   node dist/bench/overhead.js
import { figure, SANDBOX, withBenchHost } from './host-bench.js';
import type { SandboxHost } from '../test/integration/sandbox-host.js';

async function cgroupUsage(h: SandboxHost, unit: string): Promise<{ procs: number; rssKiB: number }> {
  const out = await h.ok(`sleep 1; cg=$(systemctl show -p ControlGroup --value ${unit}); n=0; rss=0; for p in $(cat /sys/fs/cgroup$cg/cgroup.procs); do n=$((n+1)); r=$(awk '/VmRSS/{print $2}' /proc/$p/status); rss=$((rss + \${r:-0})); done; echo $n $rss`);
  const [procs, rss] = out.trim().split(' ').map(Number);
  return { procs: procs!, rssKiB: rss! };
}

await withBenchHost('bench-overhead', async (h) => {
  for (const service of ['apache2.service', 'sbxdemo.service']) {
    const prefix = service.replace('.service', '');
    await h.ok(`systemctl restart ${service}`);
    const bare = await cgroupUsage(h, service);
    await h.ok(`systemctl stop ${service}; ${SANDBOX} create -u ${service} ov && ${SANDBOX} start ov`);
    const boxed = await cgroupUsage(h, `${prefix}@ov.service`);
    figure(`overhead.${prefix}.extra_processes`, boxed.procs - bare.procs, 'processes', '0');
    figure(`overhead.${prefix}.extra_rss`, (boxed.rssKiB - bare.rssKiB) / 1024, 'MiB', '<= 1 MiB');
    await h.ok(`${SANDBOX} delete --force ov`);
  }
});
