// Boots a test host, prints one JSON line describing it, and then waits to be
// killed: the crash test in test/integration/host.test.ts SIGKILLs this
// process and checks that the test host died with it.
//   node dist/test/host/boot-and-wait.js [NAME]
import { readlinkSync } from 'node:fs';
import { bootHost } from './throwaway-host.js';

const host = await bootHost({ name: process.argv[2] ?? 'crash-test' });
const pidNs = readlinkSync(`/proc/${host.pid}/ns/pid`);
const mntNs = readlinkSync(`/proc/${host.pid}/ns/mnt`);
process.stdout.write(`${JSON.stringify({ pid: host.pid, cgroupPath: host.cgroupPath, pidNs, mntNs })}\n`);
setInterval(() => {}, 1 << 30);
