// A package's tmpfiles.d(5) entries: what systemd-tmpfiles makes for it at boot
// (/run/haproxy, /var/log/postgresql). A sandbox's private /run and its tree
// must hold them too. Pure: the text in, the entries out.

export interface TmpfilesEntry {
  /** The line type without modifiers: d, D, v, f, L, … */
  type: string;
  path: string;
  /** undefined for "-" (the default) */
  mode?: number;
  user?: string;
  group?: string;
  /** file:line, for --dry-run's reason */
  where: string;
}

/** Line types that make a directory, and those that make a regular file. */
export const DIR_TYPES = new Set(['d', 'D', 'v', 'q', 'Q']);
export const FILE_TYPES = new Set(['f', 'F']);

const field = (v: string | undefined) => (v === undefined || v === '-' ? undefined : v);

export function parseTmpfiles(text: string, file: string): TmpfilesEntry[] {
  const out: TmpfilesEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [type, p, mode, user, group] = line.split(/\s+/);
    // A specifier (%t, %h …) depends on who runs tmpfiles: not a fixed path; a relative path is an error to tmpfiles.
    if (!type || !p || p.includes('%') || !p.startsWith('/')) return;
    const m = field(mode)?.replace(/^[~:]+/, '');
    out.push({
      type: type.replace(/[-+!=~^$?]/g, ''),
      path: p.replace(/\/+$/, '') || '/',
      ...(m !== undefined && /^[0-7]{3,4}$/.test(m) ? { mode: parseInt(m, 8) } : {}),
      ...(field(user) ? { user: field(user) } : {}),
      ...(field(group) ? { group: field(group) } : {}),
      where: `${file}:${i + 1}`,
    });
  });
  return out;
}

/** Where tmpfiles.d files live, most important first: a file in /etc replaces one of the same name below. */
export const TMPFILES_DIRS = ['/etc/tmpfiles.d', '/run/tmpfiles.d', '/usr/local/lib/tmpfiles.d', '/usr/lib/tmpfiles.d', '/lib/tmpfiles.d'];

/** The package's own tmpfiles.d files among the paths it lists. */
export function tmpfilesOf(listed: readonly string[]): string[] {
  return listed.filter((p) => TMPFILES_DIRS.some((d) => p.startsWith(d + '/') && p.endsWith('.conf') && !p.slice(d.length + 1).includes('/')));
}
