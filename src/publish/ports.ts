// Is a host port free to publish? Asked of the kernel (ss: every TCP socket
// listening in the host's network namespace, with its process when ss can see
// it) and of the records (a stopped sandbox keeps its published ports).
import type { SandboxRecord } from '../config/record.js';
import { ConflictError } from '../errors.js';
import { run } from '../exec.js';
import { formatPublish, overlaps, recordedPorts, type Published } from './spec.js';

export interface Listener {
  address: string;
  port: number;
  /** e.g. 'sshd (pid 812)'; '' when ss does not say. */
  holder: string;
}

/** `ss -Hltnp` lines: State Recv-Q Send-Q Local:Port Peer:Port [users:(("name",pid=N,fd=M))]. */
export function parseListeners(ssOutput: string): Listener[] {
  const out: Listener[] = [];
  for (const line of ssOutput.split('\n')) {
    const f = line.trim().split(/\s+/);
    const local = f[3];
    if (!local) continue;
    const m = /^(.*):(\d+)$/.exec(local);
    if (!m) continue;
    const user = /users:\(\("([^"]*)",pid=(\d+)/.exec(line);
    const address = m[1] === '*' || m[1] === '0.0.0.0' || m[1] === '[::]' ? '' : m[1]!.replace(/%\S+$/, '');
    out.push({ address, port: Number(m[2]), holder: user ? `${user[1]} (pid ${user[2]})` : '' });
  }
  return out;
}

/** Refuses a port something on the host listens on, or another sandbox has published; names the holder. */
export async function assertPortsFree(ports: Published[], others: SandboxRecord[], self?: string): Promise<void> {
  const ss = await run('ss', ['-Hltnp']);
  if (ss.exitCode !== 0) throw new ConflictError(`cannot list the host's listening sockets: ss exited ${ss.exitCode}: ${ss.stderr.trim()}`);
  const listeners = parseListeners(ss.stdout);
  for (const p of ports) {
    for (const o of others) {
      if (o.name === self) continue;
      const theirs = recordedPorts(o).find((q) => overlaps(q, p));
      if (theirs) throw new ConflictError(`host port ${p.hostPort} is published by sandbox ${o.name} (${formatPublish(theirs)})`);
    }
    const l = listeners.find((x) => overlaps({ address: x.address, hostPort: x.port, port: 0 }, p));
    if (l) throw new ConflictError(`host port ${p.hostPort} is in use${l.holder ? ` by ${l.holder}` : ''} (listening on ${l.address || '*'}:${l.port})`);
  }
}
