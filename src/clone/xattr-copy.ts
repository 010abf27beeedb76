// EFFECTOR: the xattrs (ACLs, file capabilities, user.*) of pinned entries
// onto their copies, in batches: one getfattr and one setfattr per batch, as
// Node has no xattr API. Each source is read through its pin (apply/pinned.ts), so
// the attributes are those of the very entry whose content was copied. The
// label is not copied: the new tree gets its own (payload/label.ts).
import type { FileHandle } from 'node:fs/promises';
import { SandboxError } from '../errors.js';
import { run } from '../exec.js';
import { encodeName } from '../payload/bytes.js';
import { SELINUX_XATTR } from '../payload/label.js';
import { formatDump, parseDump, type XattrRecord } from '../payload/xattr-dump.js';

/** Batches stay well under the kernel's limit on open files. */
const BATCH = 256;

interface Item {
  /** The source as a child names it: /proc/PID/fd/N (followed) or /proc/PID/fd/DIR/NAME (a symlink, not followed). */
  from: string;
  to: string;
}

const nulList = (names: readonly string[]) => Buffer.concat(names.flatMap((n) => [encodeName(n), Buffer.from([0])]));

async function dump(items: Item[], follow: boolean): Promise<XattrRecord[]> {
  if (items.length === 0) return [];
  const r = await run('xargs', ['-0', 'getfattr', ...(follow ? [] : ['-h']), '-d', '-m', '-', '-e', 'hex', '--absolute-names'], {
    input: nulList(items.map((i) => i.from)),
    namesOnStdout: true,
  });
  // A symlink is named by its directory and name, which the sandbox may have changed since: what is gone has no attributes to copy.
  if (r.exitCode !== 0 && follow) throw new SandboxError(`reading xattrs failed: ${r.stderr.trim()}`);
  const to = new Map(items.map((i) => [i.from, i.to]));
  return parseDump(r.stdout).flatMap((rec) => {
    const dest = to.get(rec.path);
    const attrs = rec.attrs.filter(([n]) => n !== SELINUX_XATTR);
    return dest === undefined || attrs.length === 0 ? [] : [{ path: dest, attrs }];
  });
}

export class XattrCopier {
  private pinned: Item[] = [];
  private links: Item[] = [];
  /** Pins to close once their attributes are read. */
  private handles: FileHandle[] = [];

  /** An entry held open by a pin; the copier closes the pin after the next flush. */
  addPinned(from: string, to: string, handle: FileHandle): Promise<void> {
    this.pinned.push({ from, to });
    this.handles.push(handle);
    return this.flushIfFull();
  }

  /** A symlink, named by its pinned directory and its name. */
  addLink(from: string, to: string): Promise<void> {
    this.links.push({ from, to });
    return this.flushIfFull();
  }

  /** A pin that has no item of its own (a directory, held while its entries were read), closed after the next flush. */
  closeLater(handle: FileHandle): void {
    this.handles.push(handle);
  }

  private async flushIfFull(): Promise<void> {
    if (this.pinned.length + this.links.length >= BATCH) await this.flush();
  }

  /** Copy what is queued, then close the pins it held. */
  async flush(): Promise<void> {
    const [pinned, links, handles] = [this.pinned, this.links, this.handles];
    [this.pinned, this.links, this.handles] = [[], [], []];
    try {
      const records = [...(await dump(pinned, true)), ...(await dump(links, false))];
      if (records.length === 0) return;
      // -h: a copied symlink gets the attributes itself; what it points to is never touched.
      const set = await run('setfattr', ['-h', '--restore=-'], { input: formatDump(records) });
      if (set.exitCode !== 0) throw new SandboxError(`writing xattrs failed: ${set.stderr.trim()}`);
    } finally {
      for (const h of handles) await h.close();
    }
  }

  /** Close every pin still held (after a failure). */
  async abandon(): Promise<void> {
    for (const h of this.handles) await h.close().catch(() => undefined);
    this.handles = [];
  }
}
