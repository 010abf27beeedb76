// Not a benchmark: where create's time goes, for the profiling issue 17 asks.
// Boots the bench host, creates a reference sandbox, then runs the given shell
// script (default: a create of apache2 under strace -f -c and under
// node --cpu-prof into /tmp/sbx-prof) and prints its output.
//   node dist/bench/profile-create.js ['SCRIPT']     ($SANDBOX in SCRIPT is the CLI)
import path from 'node:path';
import { must, SANDBOX, withBenchHost } from './host-bench.js';
import { findProjectDir } from '../test/host/throwaway-host.js';

const script =
  process.argv[2] ??
  [
    'mkdir -p /tmp/sbx-prof',
    `time ${SANDBOX} create -u apache2.service w0`,
    `strace -f -c -o /tmp/sbx-prof/strace.txt ${SANDBOX} create -u apache2.service w1 >/dev/null`,
    `strace -f -e trace=execve -o /tmp/sbx-prof/exec.txt ${SANDBOX} create -u apache2.service w2 >/dev/null`,
    `${SANDBOX.replace('node ', 'node --cpu-prof --cpu-prof-dir=/tmp/sbx-prof ')} create -u apache2.service w3`,
    `time ${SANDBOX} create -u apache2.service w4`,
    `time ${SANDBOX} start w4`,
    'head -25 /tmp/sbx-prof/strace.txt',
    `echo; echo "execve: $(grep -c 'execve(' /tmp/sbx-prof/exec.txt)"; grep 'execve(' /tmp/sbx-prof/exec.txt | grep -v ENOENT | cut -c1-200 | head -80`,
    "systemctl show -p ExecMainStartTimestampMonotonic -p ActiveEnterTimestampMonotonic -p InactiveExitTimestampMonotonic apache2@w4.service; journalctl -o short-monotonic -u apache2@w4.service | tail",
    `node ${path.join(findProjectDir(), 'dist/bench/cpuprofile-summary.js')} /tmp/sbx-prof/*.cpuprofile`,
  ].join(' && ');

await withBenchHost('bench-profile', async (h) => {
  await must(h, `${SANDBOX} create -u apache2.service ref`);
  const r = await h.sh(script.replaceAll('$SANDBOX', SANDBOX));
  process.stdout.write(r.stdout + r.stderr);
});
