// Published ports (issue 15): requests per second and mean latency of one
// apache2 sandbox through its published port (host socket → systemd-socket-proxyd
// in the sandbox's network namespace) against the same server reached directly
// inside that namespace, in one run, alternating, medians of ROUNDS. The
// overhead's verdict (target ≤ 10 %) is computed here.
//   node dist/bench/publish.js
import { BenchFailure, figure, median, must, runBench, SANDBOX, withBenchHost } from './host-bench.js';
import type { SandboxHost } from '../test/integration/sandbox-host.js';

const ROUNDS = 5;
const REQUESTS = 2000;
const CONCURRENCY = 8;

interface AbResult {
  rps: number;
  meanMs: number;
}

/** ab's own figures; a run with failed or non-2xx requests is no measurement. */
function parseAb(out: string): AbResult {
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const failed = num(/^Failed requests:\s+(\d+)/m);
  const non2xx = num(/^Non-2xx responses:\s+(\d+)/m);
  if (failed !== 0 || non2xx > 0) throw new BenchFailure(`ab reported ${failed} failed and ${Number.isNaN(non2xx) ? 0 : non2xx} non-2xx requests:\n${out}`);
  const r = { rps: num(/^Requests per second:\s+([\d.]+)/m), meanMs: num(/^Time per request:\s+([\d.]+) \[ms\] \(mean\)$/m) };
  if (!Number.isFinite(r.rps) || !Number.isFinite(r.meanMs)) throw new BenchFailure(`no figures in ab's output:\n${out}`);
  return r;
}

async function ab(h: SandboxHost, prefix: string, url: string): Promise<AbResult> {
  return parseAb(await must(h, `${prefix} ab -q -n ${REQUESTS} -c ${CONCURRENCY} ${url}`));
}

await runBench(() =>
  withBenchHost('bench-publish', async (h) => {
    await must(h, 'systemctl stop apache2.service || true');
    await must(h, `${SANDBOX} create --now -u apache2.service -p 8081:80 pub1`);
    const pid = (await must(h, 'systemctl show -p MainPID --value apache2@pub1.service')).trim();
    if (!/^[1-9]\d*$/.test(pid)) throw new BenchFailure(`apache2@pub1.service has no main PID ('${pid}')`);
    const direct: AbResult[] = [];
    const published: AbResult[] = [];
    // warm both paths once (the proxy starts on the first connection)
    await ab(h, `nsenter -t ${pid} -n`, 'http://127.0.0.1:80/');
    await ab(h, '', 'http://127.0.0.1:8081/');
    for (let i = 0; i < ROUNDS; i++) {
      direct.push(await ab(h, `nsenter -t ${pid} -n`, 'http://127.0.0.1:80/'));
      published.push(await ab(h, '', 'http://127.0.0.1:8081/'));
    }
    const d = { rps: median(direct.map((x) => x.rps)), ms: median(direct.map((x) => x.meanMs)) };
    const p = { rps: median(published.map((x) => x.rps)), ms: median(published.map((x) => x.meanMs)) };
    figure('publish.direct.rps', d.rps, 'req/s');
    figure('publish.published.rps', p.rps, 'req/s');
    figure('publish.direct.latency', d.ms, 'ms/req');
    figure('publish.published.latency', p.ms, 'ms/req');
    figure('publish.rps-overhead', ((d.rps - p.rps) / d.rps) * 100, '%', { max: 10 });
    figure('publish.latency-overhead', ((p.ms - d.ms) / d.ms) * 100, '%', { max: 10 });
  }),
);
