// EFFECTOR: copy a sandbox's tree into a new one, keeping what `cp -a` keeps
// (type, mode, owner, group, times, xattrs, hard links, symlinks as symlinks),
// with reflinks where the file system has them (copy_file_range otherwise).
//
// The source is the sandboxed service's own tree, which it writes while we
// read (the source may be running): nothing in it is trusted. Every entry is
// reached from its pinned parent directory and pinned itself before it is
// read (apply/pinned.ts), so a rename or a symlink swapped in never takes the copy
// outside the tree; a device or a fifo is never opened; another file system
// mounted inside is not entered. What changes while we copy is copied as it
// is when its turn comes: a file-by-file copy, not a snapshot.
import { promises as fs, constants } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import { checkInterrupt } from '../apply/interrupt.js';
import { decodeName, encodeName, fsPath } from '../payload/bytes.js';
import { entryTypeOf, isSpecial } from '../payload/file-type.js';
import type { PlanNote } from '../payload/rules.js';
import { pin, pinnedNames, pinnedPath, pinnedPathForChild, type PinnedEntry } from '../apply/pinned.js';
import { XattrCopier } from './xattr-copy.js';

export interface TreeCopyResult {
  /** Entries copied, the top included. */
  entries: number;
  /** What was left out (special files, other file systems, entries gone while copying), by tree path. */
  skipped: PlanNote[];
}

const byBytes = (a: Buffer, b: Buffer) => Buffer.compare(a, b);

/**
 * A time for fs.lutimes that lands on the source's own microsecond: Node takes
 * seconds as a double and libuv truncates it to the microsecond, so the exact
 * value would sometimes land one below; half a microsecond more never does.
 */
export function utimeSeconds(ns: bigint): number | string {
  if (ns >= 0n) {
    const us = ns / 1000n;
    const sec = us / 1_000_000n;
    return Number(sec) + (Number(us - sec * 1_000_000n) + 0.5) / 1e6;
  }
  // Before 1970: Node turns a negative number into "now" but takes a numeric
  // string as it is; libuv truncates towards zero there, so half a
  // microsecond below the source's (floored) microsecond lands on it.
  const below = (-ns + 999n) / 1000n;
  return `-${below / 1_000_000n}.${String(below % 1_000_000n).padStart(6, '0')}5`;
}

/** Owner, mode and times of the source entry onto its copy (a symlink: owner and times only). */
async function setMetadata(to: string, e: PinnedEntry): Promise<void> {
  const st = e.stats;
  const p = fsPath(to);
  await fs.lchown(p, Number(st.uid), Number(st.gid));
  // After chown, which clears setuid and setgid bits.
  if (!st.isSymbolicLink()) await fs.chmod(p, Number(st.mode & 0o7777n));
  await fs.lutimes(p, utimeSeconds(st.atimeNs), utimeSeconds(st.mtimeNs));
}

class TreeCopy {
  readonly result: TreeCopyResult = { entries: 0, skipped: [] };
  readonly xattrs = new XattrCopier();
  /** dev:ino of files with more than one link → their first copy, so the others become links to it. */
  private readonly linked = new Map<string, string>();

  constructor(private readonly dev: bigint) {}

  skip(rel: string, reason: string): void {
    this.result.skipped.push({ path: rel, reason });
  }

  /** Copy the entries of the pinned directory dirFd into the (new, empty) directory to. */
  async copyDir(dirFd: number, to: string, rel: string): Promise<void> {
    // A ^C stops a long copy at the next directory, not at its end.
    checkInterrupt();
    for (const raw of (await pinnedNames(dirFd)).sort(byBytes)) {
      const name = decodeName(raw);
      const childRel = path.posix.join(rel, name);
      const child = await pin(dirFd, name);
      if (!child) {
        this.skip(childRel, 'gone while copying');
        continue;
      }
      try {
        await this.copyEntry(dirFd, name, child, path.join(to, name), childRel);
      } catch (e) {
        await child.handle.close().catch(() => undefined);
        throw e;
      }
    }
  }

  private async copyEntry(dirFd: number, name: string, e: PinnedEntry, to: string, rel: string): Promise<void> {
    const type = entryTypeOf(e.stats);
    const keep = async () => {
      this.result.entries++;
      await this.xattrs.addPinned(pinnedPathForChild(e.fd), to, e.handle);
    };
    // Directories only: on overlayfs (a container's root) a file reports the device of its layer.
    if (type === 'dir' && e.stats.dev !== this.dev) {
      await e.handle.close();
      return this.skip(rel, 'a mount point: not entered');
    }
    if (isSpecial(type)) {
      await e.handle.close();
      return this.skip(rel, `${type}: never copied`);
    }
    if (type === 'symlink') {
      await e.handle.close();
      let target: Buffer;
      try {
        // The name, not the pin: readlink of a pin names the pin. Whatever link is there now is the sandbox's own.
        target = await fs.readlink(fsPath(pinnedPath(dirFd, name)), { encoding: 'buffer' });
      } catch {
        return this.skip(rel, 'changed while copying');
      }
      await fs.symlink(target, fsPath(to));
      await setMetadata(to, e);
      this.result.entries++;
      return this.xattrs.addLink(pinnedPathForChild(dirFd, name), to);
    }
    if (type === 'dir') {
      await fs.mkdir(fsPath(to), { mode: 0o700 });
      await this.copyDir(e.fd, to, rel);
      // Times last: nothing is added to it after this.
      await setMetadata(to, e);
      return keep();
    }
    const key = `${e.stats.dev}:${e.stats.ino}`;
    const first = e.stats.nlink > 1n ? this.linked.get(key) : undefined;
    if (first !== undefined) {
      await fs.link(fsPath(first), fsPath(to));
      this.result.entries++;
      return e.handle.close();
    }
    // Opening the pin reopens the very file that was checked to be a regular one.
    await fs.copyFile(pinnedPath(e.fd), fsPath(to), constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    await setMetadata(to, e);
    if (e.stats.nlink > 1n) this.linked.set(key, to);
    return keep();
  }
}

/** Copy the tree at `from` (its entries and its top's metadata) into the existing empty directory `to`. */
export async function copyTree(from: string, to: string): Promise<TreeCopyResult> {
  const top = await pin(undefined, from);
  if (!top || !top.stats.isDirectory()) {
    await top?.handle.close();
    throw new SandboxError(`${from} is not a directory`);
  }
  const copy = new TreeCopy(top.stats.dev);
  try {
    await copy.copyDir(top.fd, to, '/');
    await setMetadata(to, top);
    copy.result.entries++;
    await copy.xattrs.addPinned(pinnedPathForChild(top.fd), to, top.handle);
    await copy.xattrs.flush();
  } catch (e) {
    await copy.xattrs.abandon();
    await top.handle.close().catch(() => undefined);
    throw e;
  }
  copy.result.skipped.sort((a, b) => Buffer.compare(encodeName(a.path), encodeName(b.path)));
  return copy.result;
}
