// rpm, read-only. With a root, --root makes rpm use ROOT + %{_dbpath}.
// rpm creates an empty database when asked anything and none exists (even
// `rpm -qa`), so nothing is run unless the database is already there: a
// Debian host with rpm installed and never used stays as it was.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { NotFoundError, SandboxError, UnavailableError } from '../errors.js';
import { run } from '../exec.js';
import type { Paths } from '../paths.js';
import { checkPackageName } from './name.js';
import { parseSourceTable } from '../needs/siblings.js';
import { pathList, type PackageFile, type PackageManager } from './types.js';
import { statPrint } from './owner-cache.js';
import { readdirSync } from 'node:fs';

const PROGRAM = 'rpm';
// The files a database backend keeps: sqlite (rpm >= 4.16), bdb, ndb.
const DB_FILES = ['rpmdb.sqlite', 'Packages', 'Packages.db'];
const RPMFILE_CONFIG = 1;

export interface RpmOptions {
  /** The database path inside the root; default: rpm's own %{_dbpath}. */
  dbpath?: string;
}

/** --qf output "path\tflags" per file → the file list. */
export function parseFileFlags(text: string): PackageFile[] {
  const byPath = new Map<string, PackageFile>();
  for (const line of text.split('\n')) {
    const tab = line.lastIndexOf('\t');
    if (tab < 0 || !line.startsWith('/')) continue;
    const p = line.slice(0, tab);
    const conffile = (Number(line.slice(tab + 1)) & RPMFILE_CONFIG) !== 0;
    // Several installed instances (multilib) list the same paths.
    byPath.set(p, { path: p, conffile: conffile || (byPath.get(p)?.conffile ?? false) });
  }
  return [...byPath.values()];
}

export function rpmManager(paths: Paths, options: RpmOptions = {}): PackageManager {
  const rootArgs = [
    ...(paths.root === '/' ? [] : ['--root', paths.root]),
    ...(options.dbpath ? ['--dbpath', options.dbpath] : []),
  ];
  const rpm = (args: string[]) => run(PROGRAM, [...rootArgs, ...args], { env: { LC_ALL: 'C' } });

  let dbpath: Promise<string> | undefined;
  const dbDir = () =>
    (dbpath ??= options.dbpath
      ? Promise.resolve(options.dbpath)
      : run(PROGRAM, ['--eval', '%{_dbpath}']).then((r) => r.stdout.trim()));
  const hasDb = async () => {
    const dir = paths.host(path.resolve('/', await dbDir()));
    return DB_FILES.some((f) => existsSync(path.join(dir, f)));
  };
  const notInstalled = (pkg: string) => new NotFoundError(`package ${pkg} is not installed (rpm)`);

  return {
    name: 'rpm',

    async available() {
      try {
        return await hasDb();
      } catch (e) {
        if (e instanceof UnavailableError) return false;
        throw e;
      }
    },

    /**
     * The database directory and its files (sqlite's WAL included); not the
     * regions readers write to (sqlite's -shm, Berkeley DB's __db.*), and no
     * ctime (a read truncates the empty WAL): a change of a package is a write
     * to the database or its WAL, which changes their size or mtime.
     */
    async fingerprint() {
      if (!(await hasDb())) return undefined;
      const dir = paths.host(path.resolve('/', await dbDir()));
      const files = readdirSync(dir).filter((f) => !f.endsWith('-shm') && !f.startsWith('__db.')).sort();
      return [dir, ...files.map((f) => path.join(dir, f))].map((f) => statPrint(f, false)).join('\n');
    },

    async owners(absPath) {
      if (!(await hasDb())) return [];
      // rpm -qf is quick: one name at a time, so each answer is known to be that name's.
      for (const name of pathList(absPath)) {
        const r = await rpm(['-q', '--qf', '%{NAME}\\n', '-f', name]);
        // Not owned: "file X is not owned by any package" on stdout; absent: "No such file" on stderr.
        if (r.exitCode !== 0 && r.stderr.trim() && !/No such file or directory/.test(r.stderr)) {
          throw new SandboxError(`${PROGRAM} -qf ${name} failed: ${r.stderr.trim()}`);
        }
        const owners = [...new Set(r.stdout.split('\n').filter((l) => l !== '' && !/\s/.test(l)))];
        if (owners.length) return owners;
      }
      return [];
    },

    async files(pkg) {
      checkPackageName('rpm', pkg);
      if (!(await hasDb())) throw notInstalled(pkg);
      const r = await rpm(['-q', '--qf', '[%{FILENAMES}\\t%{FILEFLAGS}\\n]', pkg]);
      if (r.exitCode !== 0) {
        if (/is not installed/.test(r.stdout + r.stderr)) throw notInstalled(pkg);
        throw new SandboxError(`${PROGRAM} -q ${pkg} failed: ${r.stderr.trim()}`);
      }
      return parseFileFlags(r.stdout);
    },

    async installed(pkg) {
      checkPackageName('rpm', pkg);
      if (!(await hasDb())) return false;
      return (await rpm(['-q', pkg])).exitCode === 0;
    },

    async version(pkg) {
      checkPackageName('rpm', pkg);
      if (!(await hasDb())) throw notInstalled(pkg);
      const r = await rpm(['-q', '--qf', '%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\n', pkg]);
      // Several installed instances (multilib) print one line each: the first is as good as any.
      const v = r.stdout.split('\n')[0]!.trim();
      if (r.exitCode !== 0 || v === '' || /is not installed/.test(v)) throw notInstalled(pkg);
      return v;
    },

    async sources() {
      if (!(await hasDb())) return new Map();
      const r = await rpm(['-qa', '--qf', '%{NAME}\\t%{SOURCERPM}\\n']);
      if (r.exitCode !== 0) throw new SandboxError(`${PROGRAM} -qa failed: ${r.stderr.trim()}`);
      return parseSourceTable(r.stdout);
    },
  };
}
