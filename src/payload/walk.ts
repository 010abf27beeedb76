// Walk a tree without ever following a symlink, parents before children,
// names in byte order so every walk of the same tree gives the same list.
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { decodeName, encodeName, fsPath } from './bytes.js';

export interface TreeEntry {
  /** Where it is on disk (a name that is not UTF-8 is carried as bytes.ts says: use fsPath). */
  file: string;
  /** Its path relative to the tree, in absolute form: "/etc/apache2" for TREE/etc/apache2; "/" for the tree itself. */
  rel: string;
  stats: Stats;
}

export interface WalkOptions {
  /** Include the tree's top directory itself as rel "/". */
  includeTop?: boolean;
  /** Neither list nor enter these (rel paths). */
  skip?: (rel: string) => boolean;
}

const byBytes = (a: string, b: string) => Buffer.compare(encodeName(a), encodeName(b));

export async function walkTree(top: string, options: WalkOptions = {}): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const topStats = await fs.lstat(fsPath(top));
  if (options.includeTop) out.push({ file: top, rel: '/', stats: topStats });
  if (!topStats.isDirectory()) return out;
  const visit = async (dir: string, rel: string): Promise<void> => {
    // Names as bytes: a name that is not UTF-8 is kept as it is (bytes.ts), never turned into U+FFFD.
    const names = (await fs.readdir(fsPath(dir), { encoding: 'buffer' })).map(decodeName).sort(byBytes);
    const children = names
      .map((name) => ({ file: path.join(dir, name), rel: path.posix.join(rel, name) }))
      .filter((c) => !options.skip?.(c.rel));
    const stats = await Promise.all(children.map((c) => fs.lstat(fsPath(c.file))));
    for (const [i, c] of children.entries()) {
      out.push({ ...c, stats: stats[i]! });
      if (stats[i]!.isDirectory()) await visit(c.file, c.rel);
    }
  };
  await visit(top, '/');
  return out;
}
