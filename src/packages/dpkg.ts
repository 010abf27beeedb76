// dpkg, through dpkg-query and the file lists it keeps in info/ (read-only).
// With a root, --root and --admindir point it at ROOT/var/lib/dpkg; the paths
// it reports stay host paths.
import { existsSync, readFileSync } from 'node:fs';
import { NotFoundError, SandboxError } from '../errors.js';
import { run } from '../exec.js';
import type { Paths } from '../paths.js';
import { checkPackageName } from './name.js';
import { pathList, type PackageFile, type PackageManager } from './types.js';
import { parseSourceTable } from '../needs/siblings.js';
import { statPrint } from './owner-cache.js';
import { decodeName } from '../payload/bytes.js';

/**
 * What every dpkg run that changes a package replaces (by rename, so inode and
 * ctime change): the status file, the info directory holding the file lists
 * (a list is written as .list-new and renamed), diversions, the updates journal.
 */
const FINGERPRINT_FILES = ['status', 'info', 'diversions', 'updates'];

const PROGRAM = 'dpkg-query';
const ADMINDIR = '/var/lib/dpkg';

/** One line of ${Conffiles}: " /etc/x 0123…abcd [obsolete] [remove-on-upgrade]". */
const CONFFILE_LINE = /^\s*(\/.*?) (?:[0-9a-f]{32}|newconffile)(?: obsolete)?(?: remove-on-upgrade)?\s*$/;

export function parseConffiles(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = CONFFILE_LINE.exec(line);
    if (m) out.add(m[1]!);
  }
  return out;
}

/** What one dpkg-query -W says of every package: the questions of a create, answered from one run. */
export interface DpkgPackage {
  /** ${db:Status-Status}: installed, config-files, half-installed … */
  status: string;
  installed: boolean;
  name: string;
  arch: string;
  /** Multi-Arch: same: its files in info/ are NAME:ARCH.* (in a database of format 1). */
  multiArchSame: boolean;
  version: string;
  /** "pkg<TAB>source", as parseSourceTable reads it. */
  sourceLine: string;
  conffiles: Set<string>;
}

/** ${db:Status-Status}, ${binary:Package}, ${Package}, ${Architecture}, ${Version}, ${source:Package}, ${Multi-Arch} on one line, then ${Conffiles} (lines that start with a space). */
export const TABLE_FORMAT = '-f=${db:Status-Status}\t${binary:Package}\t${Package}\t${Architecture}\t${Version}\t${source:Package}\t${Multi-Arch}\n${Conffiles}\n';

/** TABLE_FORMAT's output → by name (plain, as dpkg shows it, and NAME:ARCH); an installed row wins over another of the same name. */
export function parseTable(text: string): Map<string, DpkgPackage> {
  const out = new Map<string, DpkgPackage>();
  let last: DpkgPackage | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith(' ')) {
      for (const c of parseConffiles(line)) last?.conffiles.add(c);
      continue;
    }
    const f = line.split('\t');
    if (f.length < 7) continue;
    const [status, binary, name, arch, version, source, multiArch] = f as [string, string, string, string, string, string, string];
    last = { status, installed: status === 'installed', name, arch, multiArchSame: multiArch === 'same', version, sourceLine: `${name}\t${source}`, conffiles: new Set() };
    for (const key of new Set([binary, name, `${name}:${arch}`])) {
      if (!out.get(key)?.installed) out.set(key, last);
    }
  }
  return out;
}

/** dpkg -S lines are "pkg1, pkg2: /path"; diversion lines are not ownership. */
export function parseSearch(text: string, absPath: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('diversion by ') || line.startsWith('local diversion')) continue;
    const m = /^(.+?): (\/.*)$/.exec(line);
    if (m && m[2] === absPath) out.push(...m[1]!.split(', '));
  }
  return out;
}

/** A file of dpkg's info/ as dpkg wrote it (names that are not UTF-8 kept: payload/bytes.ts); absent: empty. */
function readList(file: string): string {
  try {
    return decodeName(readFileSync(file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

export function dpkgManager(paths: Paths): PackageManager {
  const rootArgs = paths.root === '/' ? [] : [`--root=${paths.root}`, `--admindir=${paths.host(ADMINDIR)}`];
  const query = (args: string[]) => run(PROGRAM, [...rootArgs, ...args], { env: { LC_ALL: 'C' } });
  const hasDb = () => existsSync(paths.host(`${ADMINDIR}/status`));
  const notInstalled = (pkg: string) => new NotFoundError(`package ${pkg} is not installed (dpkg)`);
  const fingerprint = () => FINGERPRINT_FILES.map((f) => statPrint(paths.host(`${ADMINDIR}/${f}`))).join('\n');
  // One query for every package, asked again only when a package change has replaced the database's files.
  let table: { print: string; rows: Promise<Map<string, DpkgPackage>> } | undefined;
  const packages = () => {
    const print = fingerprint();
    if (table?.print !== print) {
      const rows = query(['-W', TABLE_FORMAT]).then((r) => {
        if (r.exitCode !== 0) throw new SandboxError(`${PROGRAM} -W failed: ${r.stderr.trim()}`);
        return parseTable(r.stdout);
      });
      table = { print, rows };
      // A failed query is not kept: the next question asks again.
      rows.catch(() => table?.rows === rows && (table = undefined));
    }
    return table!.rows;
  };
  // dpkg's own naming (info/format: 0 or absent before multi-arch, 1 since).
  const listName = (r: DpkgPackage) => {
    const format = readList(paths.host(`${ADMINDIR}/info/format`)).trim();
    return `${r.multiArchSame && format !== '' && format !== '0' ? `${r.name}:${r.arch}` : r.name}.list`;
  };
  const row = async (pkg: string) => {
    const r = (await packages()).get(pkg);
    return r?.installed ? r : undefined;
  };

  return {
    name: 'dpkg',

    async available() {
      if (!hasDb()) return false;
      try {
        return (await query(['--version'])).exitCode === 0;
      } catch {
        return false;
      }
    },

    async fingerprint() {
      if (!hasDb()) return undefined;
      return fingerprint();
    },

    async owners(absPath) {
      const names = pathList(absPath);
      if (!hasDb()) return [];
      // One query for every name: dpkg -S reads every package's file list each time.
      // Without wildcards dpkg looks a path up exactly; escape any the path has.
      const r = await query(['-S', ...names.map((p) => p.replace(/[*?[\\]/g, '\\$&'))]);
      // Exit 1 with "no path found matching pattern" when a name is unowned (the others are still answered).
      if (r.exitCode !== 0 && !/no path found matching pattern/.test(r.stderr)) {
        throw new SandboxError(`${PROGRAM} -S ${names.join(' ')} failed: ${r.stderr.trim()}`);
      }
      for (const name of names) {
        const owners = [...new Set(parseSearch(r.stdout, name))];
        if (owners.length) return owners;
      }
      return [];
    },

    async files(pkg) {
      checkPackageName('dpkg', pkg);
      if (!hasDb()) throw notInstalled(pkg);
      // What dpkg-query -L prints, read where dpkg keeps it (one process less per package): any
      // package dpkg knows but one not installed at all has a list; none written yet is empty.
      const known = (await packages()).get(pkg);
      if (!known || known.status === 'not-installed') throw notInstalled(pkg);
      const list = readList(paths.host(`${ADMINDIR}/info/${listName(known)}`));
      const conffiles = known.installed ? known.conffiles : new Set<string>();
      const out: PackageFile[] = [];
      for (const line of list.split('\n')) {
        // "/." stands for the root.
        if (!line.startsWith('/') || line === '/.') continue;
        out.push({ path: line, conffile: conffiles.has(line) });
      }
      return out;
    },

    async installed(pkg) {
      checkPackageName('dpkg', pkg);
      if (!hasDb()) return false;
      return (await row(pkg)) !== undefined;
    },

    async version(pkg) {
      checkPackageName('dpkg', pkg);
      if (!hasDb()) throw notInstalled(pkg);
      const r = await row(pkg);
      if (r === undefined) throw notInstalled(pkg);
      return r.version;
    },

    async sources() {
      if (!hasDb()) return new Map();
      const lines = new Set([...(await packages()).values()].filter((r) => r.installed).map((r) => r.sourceLine));
      return parseSourceTable([...lines].join('\n'));
    },
  };
}
