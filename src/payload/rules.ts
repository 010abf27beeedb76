// THE PAYLOAD RULE: what of the host a sandbox receives. Pure: the caller
// brings the facts (package file lists with lstat types, unit directories,
// the admin's --copy/--exclude) and gets back a plan with a reason per line.
//
// A service's mutable state lives under /etc and /var. Only there, and never
// in runtime dirs (/run, /var/run, /var/lock): those belong to running processes.
//
// /etc, /var and a known set of system-wide directories below them (SHARED_DIRS,
// plus the tool config's extra ones) hold entries of many packages. From those
// a sandbox gets only the package's own entries: each file or symlink the
// package lists there is copied as an 'entry'.
//
// A directory the package lists that is not shared (/etc/apache2, /var/www,
// /var/lib/apache2, /var/log/apache2, /var/cache/apache2) is the service's own:
// it is copied 'whole', as it is now. That is the point: the maintainer
// scripts' and the admin's additions (mods-enabled symlinks, sites, certs,
// data) are in no package list but are what makes the service work. Whatever
// the package lists below such a directory is covered by it.
//
// Directories named by the unit (StateDirectory=, LogsDirectory=,
// ReadWritePaths=, …, resolved by the caller) are copied whole when they exist,
// and returned in toCreate when they do not.
//
// The admin has the last word: --copy adds a path, --exclude removes a path and
// everything below it (an exclude inside a whole directory is returned so the
// copier skips it); a --copy more specific than an --exclude wins.
import path from 'node:path';
import { UsageError } from '../errors.js';
import { isInside } from '../paths.js';
import { isSpecial, type HostType } from './file-type.js';
import type { HostPath } from './host-entries.js';

/**
 * System-wide directories: a sandbox gets only a package's own entries in them.
 * "dir/**" means the directory and everything below it; "?" matches one character.
 */
export const SHARED_DIRS: readonly string[] = [
  '/etc',
  '/etc/alternatives',
  '/etc/apparmor.d/**',
  '/etc/apt/**',
  '/etc/bash_completion.d',
  '/etc/binfmt.d',
  '/etc/cron.d',
  '/etc/cron.daily',
  '/etc/cron.hourly',
  '/etc/cron.monthly',
  '/etc/cron.weekly',
  '/etc/dbus-1/**',
  '/etc/default',
  '/etc/dpkg/**',
  '/etc/environment.d',
  '/etc/firewalld/**',
  '/etc/fonts/**',
  '/etc/init',
  '/etc/init.d',
  '/etc/initramfs-tools/**',
  '/etc/insserv.conf.d',
  '/etc/kernel/**',
  '/etc/ld.so.conf.d',
  '/etc/logcheck/**',
  '/etc/logrotate.d',
  '/etc/modprobe.d',
  '/etc/modules-load.d',
  '/etc/network/**',
  '/etc/NetworkManager/**',
  '/etc/opt',
  '/etc/pam.d',
  '/etc/pki/**',
  '/etc/polkit-1/**',
  '/etc/profile.d',
  '/etc/rc.d/**',
  '/etc/rc?.d',
  '/etc/rsyslog.d',
  '/etc/sandbox/**',
  '/etc/sgml',
  '/etc/skel',
  '/etc/security/**',
  '/etc/selinux/**',
  '/etc/ssl',
  '/etc/ssl/certs',
  '/etc/ssl/private',
  '/etc/sudoers.d',
  '/etc/sysconfig',
  '/etc/sysctl.d',
  '/etc/systemd/**',
  '/etc/sysusers.d',
  '/etc/tmpfiles.d',
  '/etc/udev/**',
  '/etc/update-motd.d',
  '/etc/ufw',
  '/etc/ufw/applications.d',
  '/etc/X11/**',
  '/etc/xdg/**',
  '/etc/xinetd.d',
  '/etc/xml',
  '/etc/yum.repos.d',
  '/var',
  '/var/backups',
  '/var/cache',
  '/var/cache/apt/**',
  '/var/cache/debconf/**',
  '/var/cache/ldconfig',
  '/var/cache/man/**',
  '/var/lib',
  '/var/lib/alternatives',
  '/var/lib/apt/**',
  '/var/lib/dpkg/**',
  '/var/lib/misc',
  '/var/lib/pam',
  '/var/lib/polkit-1/**',
  '/var/lib/rpm/**',
  '/var/lib/systemd/**',
  '/var/lib/ucf/**',
  '/var/local',
  '/var/log',
  '/var/log/journal/**',
  '/var/mail',
  '/var/opt',
  '/var/spool',
  '/var/spool/cron/**',
  '/var/tmp',
];

/** Never copied, whatever a package, unit or admin says. */
export const NEVER_COPIED: readonly string[] = [
  '/run',
  '/var/run',
  '/var/lock',
  // sandbox trees live here: a sandbox must not contain sandboxes
  '/var/lib/sandbox',
];

/** The only trees a sandbox mirrors. */
export const PAYLOAD_TOPS: readonly string[] = ['/etc', '/var'];

export type CopyHow = 'whole' | 'entry';

export interface PlanEntry {
  path: string;
  how: CopyHow;
  /** Why it was chosen, for --dry-run. */
  reason: string;
  /** A symbolic link on the host: copied as a link, never bound (systemd would bind what it points at). */
  link?: boolean;
}

export interface PlanNote {
  path: string;
  reason: string;
  /** For toCreate: an empty file, not a directory (a log file the service opens). */
  file?: boolean;
  /** For toCreate: owner and mode the fact gave (a tmpfiles.d line, a logrotate "create"); the unit's User= otherwise. */
  owner?: { uid: number; gid: number; mode: number };
}

export interface UnitDir extends HostPath {
  /** The directive that named it, e.g. "StateDirectory". */
  directive: string;
  /** Why, when a fact other than a unit directive found it (src/needs/): shown by --dry-run. */
  reason?: string;
  file?: boolean;
  makeAs?: PlanNote['owner'];
}

export interface PayloadInput {
  /** Every path the service's package(s) list, with its lstat type on the host. */
  packageFiles: readonly HostPath[];
  /** Directories the unit names, as absolute host paths. */
  unitDirs?: readonly UnitDir[];
  /** --copy paths with their host types. */
  copy?: readonly HostPath[];
  /** --exclude paths. */
  exclude?: readonly string[];
  /** The tool config's [payload] shared. */
  extraSharedDirs?: readonly string[];
}

export interface PayloadPlan {
  /** What to copy, sorted so that a parent comes before what is below it. */
  entries: PlanEntry[];
  /** Paths inside 'whole' entries that the copier must skip. */
  excludes: string[];
  /** Unit directories absent on the host: the caller creates them in the sandbox. */
  toCreate: PlanNote[];
  /** What was considered and left out, and why. */
  skipped: PlanNote[];
}

const byPath = <T extends { path: string }>(a: T, b: T) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
const sortStrings = (list: Iterable<string>) => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function normalize(p: string): string {
  const n = path.posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

function adminPath(option: string, p: string): string {
  if (!path.posix.isAbsolute(p)) throw new UsageError(`${option} ${p}: must be an absolute path`);
  return normalize(p);
}

function globToRegExp(pattern: string): RegExp {
  const all = pattern.endsWith('/**');
  const base = all ? pattern.slice(0, -3) : pattern;
  const body = base.replace(/[.+^${}()|[\]\\*]/g, '\\$&').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}${all ? '(/.*)?' : ''}$`);
}

/** A predicate telling whether a path is a system-wide shared directory. */
export function sharedDirMatcher(extra: readonly string[] = []): (p: string) => boolean {
  const patterns = [...SHARED_DIRS, ...extra.map(normalize)].map(globToRegExp);
  return (p) => patterns.some((re) => re.test(p));
}

export function isNeverCopied(p: string): boolean {
  return NEVER_COPIED.some((n) => isInside(n, p));
}

function inPayloadTops(p: string): boolean {
  return PAYLOAD_TOPS.some((top) => p !== top && isInside(top, p));
}

/**
 * Remove entries that a whole entry already brings, unless an exclude between
 * them cut them out of that whole. Returns what was removed.
 */
function dropCovered(planned: Map<string, PlanEntry>, excludes: readonly string[]): PlanNote[] {
  const wholes = [...planned.values()].filter((e) => e.how === 'whole').map((e) => e.path);
  const coveredBy = (p: string) =>
    wholes.find((w) => w !== p && isInside(w, p) && !excludes.some((x) => isInside(w, x) && isInside(x, p)));
  const dropped: PlanNote[] = [];
  for (const p of [...planned.keys()]) {
    const w = coveredBy(p);
    if (w === undefined) continue;
    planned.delete(p);
    dropped.push({ path: p, reason: `inside ${w}, copied whole` });
  }
  return dropped;
}

export function planPayload(input: PayloadInput): PayloadPlan {
  const isShared = sharedDirMatcher(input.extraSharedDirs);
  const planned = new Map<string, PlanEntry>();
  const toCreate = new Map<string, PlanNote>();
  const skipped: PlanNote[] = [];

  // A file is never a shared directory, even where everything below one is shared.
  const isSharedDir = (p: string, type: HostType) => (type === 'dir' || type === 'missing') && isShared(p);
  const add = (p: string, how: CopyHow, reason: string, type?: HostType) => {
    const prev = planned.get(p);
    const link = type === 'symlink' ? { link: true } : {};
    planned.set(p, prev ? { ...prev, how: prev.how === 'whole' ? 'whole' : how, reason: `${prev.reason}; ${reason}` } : { path: p, how, reason, ...link });
  };
  const whereIs = (p: string) => {
    const parent = path.posix.dirname(p);
    return isShared(parent) ? `in system-wide ${parent}` : `in ${parent}`;
  };

  // Package file lists.
  const seen = new Set<string>();
  for (const f of input.packageFiles) {
    const p = normalize(f.path);
    if (seen.has(p) || !path.posix.isAbsolute(p) || !inPayloadTops(p)) continue;
    seen.add(p);
    const who = f.owner ? `${f.owner}: ` : '';
    if (isNeverCopied(p)) skipped.push({ path: p, reason: `${who}runtime path: never copied` });
    else if (isSharedDir(p, f.type)) continue; // only the package's entries in it
    else if (f.type === 'missing') skipped.push({ path: p, reason: `${who}listed by the package but absent on the host` });
    else if (isSpecial(f.type)) skipped.push({ path: p, reason: `${who}${f.type}: never copied` });
    else if (f.type === 'dir') {
      const parent = path.posix.dirname(p);
      add(p, 'whole', isShared(parent) ? `${who}the service's own directory (in system-wide ${parent})` : `${who}directory listed by the package`);
    } else add(p, 'entry', `${who}package ${f.type} ${whereIs(p)}`, f.type);
  }

  // Directories the unit names.
  for (const d of input.unitDirs ?? []) {
    const p = normalize(d.path);
    if (!path.posix.isAbsolute(p)) throw new Error(`internal: ${d.directive}= path not resolved: ${d.path}`);
    const why = d.reason ?? `named by ${d.directive}=`;
    if (!inPayloadTops(p)) skipped.push({ path: p, reason: `${why}; outside /etc and /var: not copied` });
    else if (isNeverCopied(p)) skipped.push({ path: p, reason: `${why}; runtime path: never copied` });
    else if (isSharedDir(p, d.type)) skipped.push({ path: p, reason: `${why}; a system-wide directory is never copied whole` });
    else if (d.type === 'missing') toCreate.set(p, { path: p, reason: `${why}; absent on the host`, ...(d.file ? { file: true } : {}), ...(d.makeAs ? { owner: d.makeAs } : {}) });
    else if (d.type === 'symlink') {
      // An admin's relocation (/var/lib/foo -> /data/foo): a copy of the link, bound, would give the sandbox the host's live target.
      throw new UsageError(`${p} (named by ${d.directive}=) is a symbolic link on the host; a sandbox gets its own copy of what its unit names, never what a link points at: make it a directory (or a bind mount) on the host`);
    }
    else if (isSpecial(d.type)) skipped.push({ path: p, reason: `${why}; ${d.type}: never copied` });
    else add(p, d.type === 'dir' ? 'whole' : 'entry', why);
  }

  // What a whole directory brings needs no line of its own.
  dropCovered(planned, []);

  // --exclude: the admin removes a path and everything below it.
  const excludes = sortStrings(new Set((input.exclude ?? []).map((x) => adminPath('--exclude', x))));
  const used = new Set<string>();
  for (const e of [...planned.values()]) {
    const x = excludes.find((x) => isInside(x, e.path));
    if (x === undefined) continue;
    planned.delete(e.path);
    used.add(x);
    skipped.push({ path: e.path, reason: `--exclude ${x}` });
  }

  // --copy: the admin adds a path; it beats a broader --exclude.
  for (const c of input.copy ?? []) {
    const p = adminPath('--copy', c.path);
    const refuse = (why: string) => new UsageError(`--copy ${p}: ${why}`);
    if (!inPayloadTops(p)) throw refuse('only paths under /etc and /var are copied into a sandbox');
    if (isNeverCopied(p)) throw refuse('runtime paths are never copied');
    if (isSharedDir(p, c.type)) throw refuse('a system-wide directory cannot be copied whole; name the entries in it');
    if (c.type === 'missing') throw refuse('no such file on the host');
    if (isSpecial(c.type)) throw refuse(`a ${c.type} cannot be copied`);
    if (excludes.includes(p)) throw refuse('also given as --exclude');
    add(p, c.type === 'dir' ? 'whole' : 'entry', '--copy', c.type);
  }
  skipped.push(...dropCovered(planned, excludes));

  const wholes = [...planned.values()].filter((e) => e.how === 'whole').map((e) => e.path);
  const inner = excludes.filter((x) => wholes.some((w) => w !== x && isInside(w, x)));
  for (const x of inner) used.add(x);
  for (const x of excludes) if (!used.has(x)) skipped.push({ path: x, reason: '--exclude matches nothing in the plan' });

  return {
    entries: [...planned.values()].sort(byPath),
    excludes: inner,
    toCreate: [...toCreate.values()].sort(byPath),
    skipped: skipped.sort(byPath),
  };
}
