// An independent view of a tree for the tests to compare against: GNU find for
// type, mode, owner, size, mtime and link target, sha256sum for content, and
// getfattr for labels. It shares no code with src/payload/.
import { execFileSync } from 'node:child_process';

export interface Listed {
  type: string;
  meta: string;
  sha256?: string;
}

/** Relative path → what find and sha256sum say of it (exit status checked: execFileSync throws). */
export function findListing(dir: string): Map<string, Listed> {
  const out = execFileSync('find', [dir, '-mindepth', '1', '-printf', '%P\\0%y\\0%m %U %G %s %T@ %l\\0'], { encoding: 'buffer', maxBuffer: 1 << 26 });
  const fields = out.toString('latin1').split('\0');
  fields.pop();
  const listing = new Map<string, Listed>();
  for (let i = 0; i + 2 < fields.length + 1; i += 3) {
    const rel = Buffer.from(fields[i]!, 'latin1').toString('utf8');
    const type = fields[i + 1]!;
    const entry: Listed = { type, meta: fields[i + 2]! };
    if (type === 'f') entry.sha256 = execFileSync('sha256sum', ['--', `${dir}/${rel}`], { encoding: 'utf8' }).split(' ')[0]!;
    listing.set(rel, entry);
  }
  return listing;
}

/** The security.selinux value of one entry, read with getfattr (not following links); undefined when it has none. */
export function getfattrLabel(file: string): string | undefined {
  try {
    return execFileSync('getfattr', ['-h', '--absolute-names', '--only-values', '-n', 'security.selinux', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).replace(/\0$/, '');
  } catch (e) {
    if (/No such attribute/.test(String((e as { stderr?: string }).stderr))) return undefined;
    throw e;
  }
}
