// systemd evaluates some settings in the host's view, not the sandbox's
// (RuntimeDirectory=, StateDirectory= …). Their paths are translated here so
// that two sandboxes of one service never collide and every path points at the
// sandbox's own copy. Inside a sandbox /run is the host's /run/sandbox/NAME.
// Which vendor settings are translated at all: vendor-keys.ts.

/** Settings that create host directories; the tree already holds the sandbox's own copies. */
export const HOST_DIRECTORY_SETTINGS: Record<string, string> = {
  StateDirectory: '/var/lib',
  CacheDirectory: '/var/cache',
  LogsDirectory: '/var/log',
  ConfigurationDirectory: '/etc',
};

/** Environment variables systemd would have set for those settings. */
const DIRECTORY_ENV: Record<string, string> = {
  StateDirectory: 'STATE_DIRECTORY',
  CacheDirectory: 'CACHE_DIRECTORY',
  LogsDirectory: 'LOGS_DIRECTORY',
  ConfigurationDirectory: 'CONFIGURATION_DIRECTORY',
};

/** /var/run and /var/lock are links into /run on every systemd host. */
export function canonicalRunPath(p: string): string {
  if (p === '/var/run' || p.startsWith('/var/run/')) return '/run' + p.slice('/var/run'.length);
  if (p === '/var/lock' || p.startsWith('/var/lock/')) return '/run/lock' + p.slice('/var/lock'.length);
  return p;
}

/** RuntimeDirectory=foo (relative to /run) becomes sandbox/%i/foo. */
export function translateRuntimeDirectory(value: string): string {
  return value
    .split(/\s+/)
    .filter(Boolean)
    .map((d) => 'sandbox/%i/' + d.replace(/^\/+/, ''))
    .join(' ');
}

/** The absolute directories a *Directory= setting names (first field of each `a:b` item). */
export function directoriesOf(setting: string, value: string): string[] {
  const base = HOST_DIRECTORY_SETTINGS[setting];
  if (!base) return [];
  return value
    .split(/\s+/)
    .filter(Boolean)
    .map((item) => `${base}/${item.split(':')[0]!.replace(/^\/+/, '')}`);
}

/** Environment= line standing in for a dropped *Directory= setting. */
export function directoryEnvironment(setting: string, value: string): string | undefined {
  const dirs = directoriesOf(setting, value);
  const env = DIRECTORY_ENV[setting];
  if (!env || dirs.length === 0) return undefined;
  return `${env}=${dirs.join(':')}`;
}
