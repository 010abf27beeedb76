// The units of published ports, as data: the shipped templates
// (units/publish/sandbox-publish@.socket and .service, linked into the unit
// directory), one generated drop-in per instance for each, and the sandbox
// unit's drop-in that starts them with it (their names are layout.ts's).
import path from 'node:path';
import { projectFile } from '../install-paths.js';
import type { SandboxRecord } from '../config/record.js';
import { PUBLISH_TEMPLATES, generatedHeader, instanceName, publishDropInPath, publishInstance as instanceOf, publishWantsPath } from '../layout.js';
import { formatPublish, listenValue, type Published } from './spec.js';
/** Debian 12 and Fedora both have merged /usr. */
const SOCKET_PROXYD = '/usr/lib/systemd/systemd-socket-proxyd';

export interface PublishFile {
  /** Host path under the unit directory. */
  path: string;
  /** '' for a link. */
  content: string;
  /** A link to a shipped template: where it points. */
  linkTo?: string;
}

/** The sandbox unit whose network namespace its proxies join: its first. */
export function publishingUnit(r: SandboxRecord): string {
  return instanceName(r.units[0]!, r.name);
}

export function publishInstance(name: string, p: Published): string {
  return instanceOf(name, p.hostPort);
}

export function templateLinks(unitDir: string): PublishFile[] {
  return PUBLISH_TEMPLATES.map((t) => ({ path: path.join(unitDir, t), content: '', linkTo: projectFile('units', 'publish', t) }));
}

/**
 * The files of one sandbox's published ports: `sandboxUnit` is the unit whose
 * network namespace the proxies join (the sandbox's first unit). With no
 * port published, none (the caller removes what was there).
 */
export function publishFiles(unitDir: string, version: string, name: string, sandboxUnit: string, published: Published[]): PublishFile[] {
  if (!published.length) return [];
  const header = (what: string) => generatedHeader(version, what);
  const out: PublishFile[] = [];
  for (const p of published) {
    const inst = publishInstance(name, p);
    const bind = `BindsTo=${sandboxUnit}\nAfter=${sandboxUnit}\n`;
    out.push({
      path: publishDropInPath(unitDir, name, p.hostPort, 'socket'),
      content: `${header(`for port ${formatPublish(p)} of sandbox ${name}`)}[Unit]\n# Listens only while the sandbox runs.\n${bind}\n[Socket]\nListenStream=${listenValue(p)}\n`,
    });
    out.push({
      path: publishDropInPath(unitDir, name, p.hostPort, 'service'),
      content:
        `${header(`for port ${formatPublish(p)} of sandbox ${name}`)}[Unit]\n# The sandbox's network namespace, never a fresh one: it runs only while the sandbox does.\n` +
        `JoinsNamespaceOf=${sandboxUnit}\n${bind}\n[Service]\nExecStart=${SOCKET_PROXYD} 127.0.0.1:${p.port}\n`,
    });
  }
  const wants = published.map((p) => `${publishInstance(name, p)}.socket`).join(' ');
  out.push({
    path: publishWantsPath(unitDir, sandboxUnit),
    content: `${header(`for the published ports of sandbox ${name}`)}[Unit]\n# Their sockets start with the sandbox (and stop with it: they are bound to it).\nWants=${wants}\n`,
  });
  return out;
}

/** Every path publishFiles may write for these ports, to remove on unpublish and delete. */
export function publishPaths(unitDir: string, name: string, sandboxUnit: string, published: Published[]): string[] {
  return [
    ...published.flatMap((p) => [publishDropInPath(unitDir, name, p.hostPort, 'socket'), publishDropInPath(unitDir, name, p.hostPort, 'service')]),
    publishWantsPath(unitDir, sandboxUnit),
  ];
}
