// A record of a copied tree: what each entry was when it was copied, so a
// later look can tell what the sandbox changed. One tab-separated line per
// entry, in walk order; tabs, newlines and backslashes in names are escaped,
// and a byte that is not UTF-8 is written \xHH (\xff).
import { createHash } from 'node:crypto';
import { closeSync, constants, createReadStream, fstatSync, openSync, readSync, promises as fs } from 'node:fs';
import { SandboxError } from '../errors.js';
import { entryTypeOf, type EntryType } from './file-type.js';
import { walkTree } from './walk.js';
import { decodeName, fsPath } from './bytes.js';

export interface ManifestRecord {
  /** Host view: /etc/apache2/apache2.conf */
  path: string;
  type: EntryType;
  /** Permission bits incl. setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Modification time, ms since the epoch (fractional, as lstat gives it). */
  mtime: number;
  /** Symlinks: the target text, never resolved. */
  target?: string;
  /** Regular files: hex sha256 of the content. */
  sha256?: string;
}

export const MANIFEST_HEADER = '# sandbox manifest 1: path type mode uid gid size mtime-ms target sha256';

/** Files up to this size are read in one go: a stream costs a few event-loop turns per file, which the many small files of /etc add up to. */
const SMALL_FILE = 1 << 20;

/** The digest of a small file read synchronously, or undefined when it is larger (then it is streamed, to keep memory flat). */
function sha256Small(file: string): string | undefined {
  // O_NONBLOCK: a fifo put in a file's place must not block this thread; anything but a regular file is streamed, as before.
  const fd = openSync(fsPath(file), constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > SMALL_FILE) return undefined;
    const size = st.size;
    // One byte more than its size: a file that grew since is read to its end all the same.
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(Math.min(size + 1, SMALL_FILE + 1));
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

export async function sha256File(file: string): Promise<string> {
  const small = sha256Small(file);
  if (small !== undefined) return small;
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(fsPath(file))
      .on('error', reject)
      .on('data', (d) => hash.update(d))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export async function buildManifest(tree: string): Promise<ManifestRecord[]> {
  const out: ManifestRecord[] = [];
  for (const e of await walkTree(tree)) {
    const type = entryTypeOf(e.stats);
    const rec: ManifestRecord = {
      path: e.rel,
      type,
      mode: e.stats.mode & 0o7777,
      uid: e.stats.uid,
      gid: e.stats.gid,
      size: e.stats.size,
      mtime: e.stats.mtimeMs,
    };
    if (type === 'symlink') rec.target = decodeName(await fs.readlink(fsPath(e.file), { encoding: 'buffer' }));
    if (type === 'file') rec.sha256 = await sha256File(e.file);
    out.push(rec);
  }
  return out;
}

// A byte that is not UTF-8 (carried as U+DC00+byte, see bytes.ts) is written \xHH.
const escape = (s: string) =>
  s.replace(/[\\\t\n\r]|(?<![\ud800-\udbff])[\udc80-\udcff]/g, (c) =>
    c.charCodeAt(0) >= 0xdc80 ? `\\x${(c.charCodeAt(0) - 0xdc00).toString(16)}` : ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!,
  );
const unescape = (s: string) =>
  s.replace(/\\([\\tnr]|x[89a-f][0-9a-f])/g, (_, c: string) => (c.length === 3 ? String.fromCharCode(0xdc00 + parseInt(c.slice(1), 16)) : ({ '\\': '\\', t: '\t', n: '\n', r: '\r' })[c]!));

export function formatManifest(records: readonly ManifestRecord[]): string {
  const lines = records.map((r) =>
    [
      escape(r.path),
      r.type,
      r.mode.toString(8).padStart(4, '0'),
      r.uid,
      r.gid,
      r.size,
      r.mtime,
      r.target === undefined ? '' : escape(r.target),
      r.sha256 ?? '',
    ].join('\t'),
  );
  return [MANIFEST_HEADER, ...lines].join('\n') + '\n';
}

const TYPES = new Set<string>(['file', 'dir', 'symlink', 'fifo', 'socket', 'char', 'block']);

export function parseManifest(text: string, source = 'manifest'): ManifestRecord[] {
  const out: ManifestRecord[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split('\t');
    const bad = () => new SandboxError(`${source}:${i + 1}: not a manifest line`);
    if (f.length !== 9 || !TYPES.has(f[1]!)) throw bad();
    const num = (s: string, base = 10) => {
      const n = base === 8 ? parseInt(s, 8) : Number(s);
      if (s === '' || !Number.isFinite(n)) throw bad();
      return n;
    };
    const rec: ManifestRecord = {
      path: unescape(f[0]!),
      type: f[1] as EntryType,
      mode: num(f[2]!, 8),
      uid: num(f[3]!),
      gid: num(f[4]!),
      size: num(f[5]!),
      mtime: num(f[6]!),
    };
    if (f[7] !== '') rec.target = unescape(f[7]!);
    if (f[8] !== '') rec.sha256 = f[8];
    out.push(rec);
  }
  return out;
}
