// The I/O half of "what a service needs that no file list of its package
// names", each found from a fact the host or the package ships, never from a
// list of service names:
//   - sibling packages of the same source (siblings.ts),
//   - the packages' tmpfiles.d lines (tmpfiles.ts): /run directories for the
//     private /run, /var directories and files for the tree,
//   - log files their logrotate.d entries name (logrotate.ts),
//   - state their maintainer scripts made, owned by the service's user (maintainer-state.ts).
// Each path carries the reason --dry-run prints.
import { promises as fs, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { idTable } from '../create/users.js';
import type { RuntimeDir } from '../generate/units.js';
import { canonicalRunPath } from '../generate/translate.js';
import type { PackageManager } from '../packages/types.js';
import type { Paths } from '../paths.js';
import { isInside } from '../paths.js';
import { describeHostPaths, type HostPath } from '../payload/host-entries.js';
import { isNeverCopied, PAYLOAD_TOPS, sharedDirMatcher, type UnitDir } from '../payload/rules.js';
import { hasGlob, parseLogrotate } from './logrotate.js';
import { ownedState, serviceUsers, STATE_PARENTS, type UserFact } from './maintainer-state.js';
import { siblingsOf } from './siblings.js';
import { DIR_TYPES, FILE_TYPES, parseTmpfiles, TMPFILES_DIRS, tmpfilesOf, type TmpfilesEntry } from './tmpfiles.js';

export interface NeedsInput {
  managers: readonly PackageManager[];
  packages: readonly { manager: string; name: string }[];
  /** Every path the packages list (not only /etc and /var). */
  listed: readonly string[];
  /** The first unit's User= as ids, and its name for reasons. */
  unitUser: { uid: number; gid: number; name: string; unit: string };
}

export interface Needs {
  /** Files of sibling packages, with their owner named. */
  siblingFiles: HostPath[];
  /** /var paths the facts found, as the payload rule takes them. */
  found: UnitDir[];
  /** /run directories the tmpfiles.d lines make. */
  runtimeDirs: RuntimeDir[];
}

const inPayload = (p: string) => PAYLOAD_TOPS.some((t) => p !== t && isInside(t, p)) && !isNeverCopied(p);
const isShared = sharedDirMatcher();

/** lstat, or undefined where nothing readable is; synchronous: a create looks at hundreds of paths here. */
function lstatQuiet(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function readText(paths: Paths, p: string): Promise<string | undefined> {
  return fs.readFile(paths.host(p), 'utf8').catch(() => undefined);
}

/** The effective tmpfiles.d file of that name: /etc/tmpfiles.d/X.conf replaces /usr/lib/tmpfiles.d/X.conf. */
async function effectiveTmpfiles(paths: Paths, listedFile: string): Promise<{ file: string; text: string } | undefined> {
  for (const dir of TMPFILES_DIRS) {
    const file = path.posix.join(dir, path.posix.basename(listedFile));
    const text = await readText(paths, file);
    if (text !== undefined) return { file, text };
  }
  return undefined;
}

async function siblingFiles(input: NeedsInput): Promise<{ files: { path: string; owner: string }[] }> {
  const files: { path: string; owner: string }[] = [];
  const own = new Set(input.packages.map((p) => p.name));
  for (const m of input.managers) {
    const mine = input.packages.filter((p) => p.manager === m.name);
    if (!mine.length || !m.sources) continue;
    const table = await m.sources();
    for (const p of mine) {
      for (const sib of siblingsOf(table, p.name)) {
        if (own.has(sib)) continue;
        own.add(sib);
        const owner = `${sib} (built from ${table.get(p.name)}, like ${p.name})`;
        for (const f of await m.files(sib)) files.push({ path: f.path, owner });
      }
    }
  }
  return { files };
}

export async function gatherNeeds(paths: Paths, input: NeedsInput): Promise<Needs> {
  const sib = await siblingFiles(input);
  const listed = [...new Set([...input.listed, ...sib.files.map((f) => f.path)])].sort();
  const passwd = await idTable(paths, '/etc/passwd');
  const group = await idTable(paths, '/etc/group');
  const uidOf = (u?: string) => (u === undefined ? 0 : /^\d+$/.test(u) ? Number(u) : passwd.get(u)?.id);
  const gidOf = (g?: string) => (g === undefined ? 0 : /^\d+$/.test(g) ? Number(g) : group.get(g)?.id);
  const userName = new Map([...passwd].map(([name, e]) => [e.id, name]));
  const found: UnitDir[] = [];
  const runtimeDirs: RuntimeDir[] = [];
  const users: UserFact[] = [{ uid: input.unitUser.uid, name: input.unitUser.name, why: `User= of ${input.unitUser.unit}` }];

  // tmpfiles.d
  const tmpfiles: TmpfilesEntry[] = [];
  for (const f of tmpfilesOf(listed)) {
    const eff = await effectiveTmpfiles(paths, f);
    if (eff) tmpfiles.push(...parseTmpfiles(eff.text, eff.file));
  }
  for (const e of tmpfiles) {
    const p = canonicalRunPath(e.path);
    const uid = uidOf(e.user);
    const gid = gidOf(e.group);
    if (uid === undefined || gid === undefined) continue; // a user the package has not made (yet): tmpfiles would skip the line too
    if (e.user) users.push({ uid, name: e.user, why: `user of ${e.where}` });
    const isDir = DIR_TYPES.has(e.type);
    if (p.startsWith('/run/') && isDir) runtimeDirs.push({ path: p, mode: e.mode ?? 0o755, uid, gid });
    else if (inPayload(p) && (isDir || FILE_TYPES.has(e.type)) && !isShared(p)) {
      const owner = { uid, gid, mode: e.mode ?? (isDir ? 0o755 : 0o644) };
      found.push({ path: p, type: 'missing', directive: 'tmpfiles.d', reason: `made at boot by tmpfiles.d (${e.where})`, makeAs: owner, ...(isDir ? {} : { file: true }) });
    }
  }

  // logrotate.d: a log file directly in a shared directory is copied (or made empty); one in a directory of its own brings that directory.
  for (const f of listed.filter((p) => path.posix.dirname(p) === '/etc/logrotate.d')) {
    const text = await readText(paths, f);
    for (const e of text === undefined ? [] : parseLogrotate(text, f)) {
      let p = e.path;
      while (hasGlob(p)) p = path.posix.dirname(p);
      if (!inPayload(p) || isShared(p)) continue;
      const asFile = p === e.path && isShared(path.posix.dirname(p));
      // a glob was cut off: p is the directory; a plain file name in a directory of its own: that directory
      const target = asFile || p !== e.path ? p : path.posix.dirname(p);
      if (!inPayload(target) || isShared(target)) continue;
      // without a "create" line: the unit's User=/Group=, who writes there
      const uid = (e.user ? uidOf(e.user) : undefined) ?? input.unitUser.uid;
      const gid = (e.group ? gidOf(e.group) : undefined) ?? input.unitUser.gid;
      const owner = { uid, gid, mode: e.mode ?? (asFile ? 0o640 : 0o755) };
      found.push({ path: target, type: 'missing', directive: 'logrotate.d', reason: `${asFile ? 'log file' : 'directory of the log files'} named in ${e.where}`, makeAs: owner, ...(asFile ? { file: true } : {}) });
    }
  }

  // Owners of what the packages list, and of what is in their own directories one level down (slapd's /etc/ldap/slapd.d).
  const payloadListed = listed.filter(inPayload);
  const ownDirs = payloadListed.filter((p) => isShared(path.posix.dirname(p)) && !isShared(p));
  const seenOwners = (p: string) => {
    const st = lstatQuiet(paths.host(p));
    if (st) users.push({ uid: st.uid, name: userName.get(st.uid) ?? String(st.uid), why: `owner of ${p}` });
  };
  for (const p of payloadListed) seenOwners(p);
  for (const d of ownDirs) for (const c of namesIn(paths.host(d))) seenOwners(path.posix.join(d, c));
  const candidates: { path: string; uid: number }[] = [];
  for (const parent of STATE_PARENTS) {
    for (const c of namesIn(paths.host(parent))) {
      const p = path.posix.join(parent, c);
      const st = lstatQuiet(paths.host(p));
      if (st && (st.isDirectory() || st.isFile()) && !isShared(p)) candidates.push({ path: p, uid: st.uid });
    }
  }
  for (const s of ownedState(candidates, serviceUsers(users))) found.push({ path: s.path, type: 'missing', directive: 'owner', reason: s.reason });

  // What is on the host now decides copy or create; a link found this way is left out (only the admin may name one).
  const once = found.filter((f, i) => found.findIndex((g) => g.path === f.path && g.reason === f.reason) === i);
  const described = describeHostPaths(paths, once.map((f) => f.path));
  const facts = once.map((f, i) => ({ ...f, type: described[i]!.type })).filter((f) => f.type !== 'symlink');
  const siblingHost = describeHostPaths(paths, sib.files.map((f) => f.path)).map((h, i) => ({ ...h, owner: sib.files[i]!.owner }));
  return { siblingFiles: siblingHost.filter((h) => inPayload(h.path)), found: facts, runtimeDirs };
}
