// EFFECTOR: give every entry of a tree one SELinux context, as restorecon
// would but for a tree that has no file-context rule of its own. One
// `setfattr -h --restore` for the whole tree: -h applies to restore too
// (checked on attr 2.5.1), so a symlink gets the label itself and whatever it
// points to, inside the tree or not, is never touched.
import { SandboxError } from '../errors.js';
import { run } from '../exec.js';
import { walkTree } from './walk.js';
import { decodeValue, formatDump, hexValue, parseDump } from './xattr-dump.js';

export const SELINUX_XATTR = 'security.selinux';

/** The xattr value of a context: with the trailing NUL, as libselinux's setfilecon stores it. */
function labelValue(context: string): string {
  if (!/^[^\s:]+:[^\s:]+:[^\s:]+(:\S+)?$/.test(context)) throw new SandboxError(`'${context}' is not an SELinux context`);
  return hexValue(Buffer.from(context + '\0'));
}

/** Label the tree's top and everything in it; returns how many entries were labelled. */
export async function labelTree(tree: string, context: string): Promise<number> {
  const value = labelValue(context);
  const entries = await walkTree(tree, { includeTop: true });
  const dump = formatDump(entries.map((e) => ({ path: e.file, attrs: [[SELINUX_XATTR, value]] })));
  const r = await run('setfattr', ['-h', '--restore=-'], { input: dump });
  if (r.exitCode !== 0) throw new SandboxError(`labelling ${tree} failed: ${r.stderr.trim()}`);
  return entries.length;
}

/** Label one entry held open, named for a child as /proc/PID/fd/N (followed to the entry, never to a path). */
export async function labelHeld(fdPathForChild: string, context: string, shown: string): Promise<void> {
  const r = await run('setfattr', ['-n', SELINUX_XATTR, '-v', labelValue(context), fdPathForChild]);
  if (r.exitCode !== 0) throw new SandboxError(`labelling ${shown} failed: ${r.stderr.trim()}`);
}

/** path → context of every entry under tree (and tree itself) that has a label. */
export async function readLabels(tree: string): Promise<Map<string, string>> {
  const r = await run('getfattr', ['-h', '-R', '-d', '-m', SELINUX_XATTR, '-e', 'hex', '--absolute-names', tree]);
  if (r.exitCode !== 0) throw new SandboxError(`reading labels under ${tree} failed: ${r.stderr.trim()}`);
  const out = new Map<string, string>();
  for (const rec of parseDump(r.stdout)) {
    const attr = rec.attrs.find(([n]) => n === SELINUX_XATTR);
    if (attr) out.set(rec.path, decodeValue(attr[1]).toString('utf8').replace(/\0+$/, ''));
  }
  return out;
}
