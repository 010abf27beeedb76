// --publish [ADDR:]HOSTPORT:PORT, as podman and docker spell it: TCP only.
import { UsageError, shown } from '../errors.js';
import type { SandboxRecord } from '../config/record.js';

export interface Published {
  /** '' for every address of the host (IPv4 and IPv6), else an IPv4 address or [IPv6] in brackets. */
  address: string;
  hostPort: number;
  /** The port the service listens on inside the sandbox, on its loopback. */
  port: number;
}

const SPEC = /^(?:(\[[0-9A-Fa-f:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):)?(\d{1,5}):(\d{1,5})(?:\/(tcp|udp|sctp))?$/;

function port(v: string, what: string, spec: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--publish ${shown(spec)}: ${what} ${v} is not a port (1-65535)`);
  return n;
}

export function parsePublish(spec: string): Published {
  const m = SPEC.exec(spec);
  if (!m) throw new UsageError(`--publish ${shown(spec)}: expected [ADDRESS:]HOSTPORT:PORT, e.g. 8080:80 or 127.0.0.1:8080:80`);
  if (m[4] && m[4] !== 'tcp') {
    throw new UsageError(`--publish ${shown(spec)}: only TCP can be published (systemd-socket-proxyd forwards streams); ${m[4].toUpperCase()} is not supported`);
  }
  const address = m[1] ?? '';
  if (/^\d/.test(address) && address.split('.').some((o) => Number(o) > 255)) throw new UsageError(`--publish ${shown(spec)}: ${address} is not an IPv4 address`);
  return { address, hostPort: port(m[2]!, 'host port', spec), port: port(m[3]!, 'port', spec) };
}

/** The canonical spelling, as the record keeps it and list/status print it. */
export function formatPublish(p: Published): string {
  return `${p.address ? p.address + ':' : ''}${p.hostPort}:${p.port}`;
}

/** ListenStream= of the socket: the port alone listens on every address, both families. */
export function listenValue(p: Published): string {
  return p.address ? `${p.address}:${p.hostPort}` : String(p.hostPort);
}

/** Two publishes collide when their host ports are the same and their addresses overlap (either is every address). */
export function overlaps(a: Published, b: Published): boolean {
  return a.hostPort === b.hostPort && (a.address === '' || b.address === '' || a.address === b.address);
}

/** Parses every spec and refuses two that collide with each other. */
export function parsePublishList(specs: string[]): Published[] {
  const out: Published[] = [];
  for (const s of specs) {
    const p = parsePublish(s);
    const twin = out.find((o) => overlaps(o, p));
    if (twin) throw new UsageError(`--publish ${shown(s)}: host port ${p.hostPort} is already published by --publish ${formatPublish(twin)}`);
    out.push(p);
  }
  return out;
}

/** The ports a record publishes (checked when the record was read). */
export function recordedPorts(r: SandboxRecord): Published[] {
  return (r.publish ?? []).map(parsePublish);
}
