// Runtime overhead of a sandbox: processes and RSS in the unit's cgroup,
// sandboxed against the same service run bare.
//   node dist/bench/overhead.js
import { BenchFailure, figure, must, runBench, SANDBOX, verifyServing, withBenchHost } from './host-bench.js';
import type { SandboxHost } from '../test/integration/sandbox-host.js';

/** Processes and summed VmRSS of a running unit's cgroup; every read must succeed. */
async function cgroupUsage(h: SandboxHost, unit: string): Promise<{ procs: number; rssKiB: number }> {
  await must(h, 'sleep 1');
  const cg = (await must(h, `systemctl show -p ControlGroup --value ${unit}`)).trim();
  if (!cg.startsWith('/') || cg === '/') throw new BenchFailure(`${unit} has no control group of its own ('${cg}')`);
  // hybrid layout: the unified hierarchy holds the unit's processes too
  const procsFile = (await must(h, `for d in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd /sys/fs/cgroup; do [ -f "$d${cg}/cgroup.procs" ] && { echo "$d${cg}/cgroup.procs"; exit 0; }; done; echo "no cgroup.procs for ${cg}"; exit 1`)).trim();
  const pids = (await must(h, `cat ${procsFile}`)).split('\n').filter(Boolean);
  if (pids.length === 0) throw new BenchFailure(`${unit}'s control group ${cg} has no process`);
  let rssKiB = 0;
  for (const pid of pids) {
    const rss = (await must(h, `awk '/^VmRSS:/{print $2}' /proc/${pid}/status`)).trim();
    if (!/^\d+$/.test(rss)) throw new BenchFailure(`no VmRSS for process ${pid} of ${unit}`);
    rssKiB += Number(rss);
  }
  return { procs: pids.length, rssKiB };
}

await runBench(() =>
  withBenchHost('bench-overhead', async (h) => {
    for (const service of ['apache2.service', 'sbxdemo.service']) {
      const prefix = service.replace('.service', '');
      await must(h, `systemctl restart ${service}`);
      const bare = await cgroupUsage(h, service);
      await must(h, `systemctl stop ${service} && ${SANDBOX} create -u ${service} ov && ${SANDBOX} start ov`);
      await verifyServing(h, service, ['ov']);
      const boxed = await cgroupUsage(h, `${prefix}@ov.service`);
      figure(`overhead.${prefix}.extra_processes`, boxed.procs - bare.procs, 'processes', { max: 0 });
      figure(`overhead.${prefix}.extra_rss`, (boxed.rssKiB - bare.rssKiB) / 1024, 'MiB', { max: 1 });
      await must(h, `${SANDBOX} delete --force ov`);
    }
  }),
);
