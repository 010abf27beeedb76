// How much a clone copies (for --dry-run): entries and bytes of the source's
// tree, walked through pins (apply/pinned.ts) like the copy itself, so a link the
// sandbox swaps in is never followed even to count.
import { decodeName } from '../payload/bytes.js';
import type { PayloadSize } from '../create/print-plan.js';
import { pin, pinnedNames, type PinnedEntry } from '../apply/pinned.js';

async function measure(dir: PinnedEntry, size: PayloadSize): Promise<void> {
  for (const raw of await pinnedNames(dir.fd)) {
    const e = await pin(dir.fd, decodeName(raw));
    if (!e) continue;
    try {
      size.files++;
      if (e.stats.isFile()) size.bytes += Number(e.stats.size);
      if (e.stats.isDirectory() && e.stats.dev === dir.stats.dev) await measure(e, size);
    } finally {
      await e.handle.close();
    }
  }
}

export async function treeSize(tree: string): Promise<PayloadSize> {
  const size: PayloadSize = { files: 1, bytes: 0 };
  const top = await pin(undefined, tree);
  if (!top) return { files: 0, bytes: 0 };
  try {
    if (top.stats.isDirectory()) await measure(top, size);
  } finally {
    await top.handle.close();
  }
  return size;
}
