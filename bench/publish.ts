// Published ports (issue 15): requests per second and mean latency of one
// apache2 sandbox through its published port (host socket → systemd-socket-proxyd
// in the sandbox's network namespace) against the same server reached directly
// inside that namespace, in one run, alternating, medians of ROUNDS; both with
// a new connection per request (the proxy's worst case: it connects anew for
// each) and with keep-alive (what browsers and load balancers do). The
// overhead's verdict (target ≤ 10 %) is computed here for both.
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

type Mode = 'close' | 'keepalive';

async function ab(h: SandboxHost, prefix: string, url: string, mode: Mode): Promise<AbResult> {
  return parseAb(await must(h, `${prefix} ab -q ${mode === 'keepalive' ? '-k ' : ''}-n ${REQUESTS} -c ${CONCURRENCY} ${url}`));
}

function report(mode: Mode, direct: AbResult[], published: AbResult[]): void {
  const d = { rps: median(direct.map((x) => x.rps)), ms: median(direct.map((x) => x.meanMs)) };
  const p = { rps: median(published.map((x) => x.rps)), ms: median(published.map((x) => x.meanMs)) };
  figure(`publish.${mode}.direct.rps`, d.rps, 'req/s');
  figure(`publish.${mode}.published.rps`, p.rps, 'req/s');
  figure(`publish.${mode}.direct.latency`, d.ms, 'ms/req');
  figure(`publish.${mode}.published.latency`, p.ms, 'ms/req');
  figure(`publish.${mode}.rps-overhead`, ((d.rps - p.rps) / d.rps) * 100, '%', { max: 10 });
  figure(`publish.${mode}.latency-overhead`, ((p.ms - d.ms) / d.ms) * 100, '%', { max: 10 });
}

await runBench(() =>
  withBenchHost('bench-publish', async (h) => {
    await must(h, 'systemctl stop apache2.service || true');
    await must(h, `${SANDBOX} create --now -u apache2.service -p 8081:80 pub1`);
    const pid = (await must(h, 'systemctl show -p MainPID --value apache2@pub1.service')).trim();
    if (!/^[1-9]\d*$/.test(pid)) throw new BenchFailure(`apache2@pub1.service has no main PID ('${pid}')`);
    const direct = `nsenter -t ${pid} -n`;
    // warm both paths once (the proxy starts on the first connection)
    await ab(h, direct, 'http://127.0.0.1:80/', 'close');
    await ab(h, '', 'http://127.0.0.1:8081/', 'close');
    for (const mode of ['close', 'keepalive'] as const) {
      const d: AbResult[] = [];
      const p: AbResult[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        d.push(await ab(h, direct, 'http://127.0.0.1:80/', mode));
        p.push(await ab(h, '', 'http://127.0.0.1:8081/', mode));
      }
      report(mode, d, p);
    }
  }),
);
