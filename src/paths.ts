// Every path the tool touches hangs off one root prefix (like `systemctl --root`),
// so tests run on a temp dir and nothing outside it is ever touched.
import path from 'node:path';

export interface Paths {
  /** "/" on a live host, or the --root directory. */
  readonly root: string;
  /** True when --root was given: no daemon is contacted. */
  readonly offline: boolean;
  /** Sandbox trees: <root>/var/lib/sandbox/NAME */
  readonly stateDir: string;
  /** Sandbox records and the tool's config: <root>/etc/sandbox */
  readonly configDir: string;
  /** Where generated units go: <root>/etc/systemd/system */
  readonly unitDir: string;
  /** The sandboxes' private /run directories: <root>/run/sandbox/NAME */
  readonly runDir: string;
  /** Map an absolute host path (e.g. /etc/apache2) to its place under the root. */
  host(absolute: string): string;
  /** The inverse of host(): a path under the root back to the host's view. */
  unhost(underRoot: string): string;
}

export const DEFAULT_STATE_DIR = '/var/lib/sandbox';
export const DEFAULT_CONFIG_DIR = '/etc/sandbox';
export const DEFAULT_UNIT_DIR = '/etc/systemd/system';
// The units' RuntimeDirectory=sandbox/%i (templates/sandbox-service.in) is bound as their /run.
export const DEFAULT_RUN_DIR = '/run/sandbox';

export function makePaths(root: string | undefined): Paths {
  const r = path.resolve(root ?? '/');
  const host = (absolute: string): string => {
    if (!path.isAbsolute(absolute)) throw new Error(`internal: not an absolute path: ${absolute}`);
    return r === '/' ? path.normalize(absolute) : path.join(r, absolute);
  };
  const unhost = (underRoot: string): string => {
    const rel = path.relative(r, underRoot);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`internal: ${underRoot} is outside ${r}`);
    return '/' + rel;
  };
  return {
    root: r,
    offline: root !== undefined,
    stateDir: host(DEFAULT_STATE_DIR),
    configDir: host(DEFAULT_CONFIG_DIR),
    unitDir: host(DEFAULT_UNIT_DIR),
    runDir: host(DEFAULT_RUN_DIR),
    host,
    unhost,
  };
}

/** True when `child` is `parent` or lies inside it (lexically; callers lstat for links). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
