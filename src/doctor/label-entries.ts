// by-name files of the label registry whose content is not a label key (a
// hand edit, a poisoned file: `../../victim`). Such content is never used as
// a path; doctor reports the file, and --repair rewrites it from the record
// when the registry holds the record's label for that sandbox, or removes it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../paths.js';
import { withLock } from '../labels/lock.js';
import { Registry } from '../labels/registry.js';
import { pairKey, parseLevel } from '../selinux/mcs.js';
import type { Finding, Known } from './known.js';

const shown = (text: string) => JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text);

export async function corruptLabelEntries(paths: Paths, k: Known): Promise<Finding[]> {
  const registry = new Registry(paths);
  const out: Finding[] = [];
  const locked = (fn: () => Promise<void>) => () => withLock(registry.lockFile, fn);
  for (const n of (await fs.readdir(registry.byName).catch(() => [] as string[])).sort()) {
    const entry = await registry.entryOf(n);
    if (!entry || !('corrupt' in entry)) continue;
    const file = paths.unhost(path.join(registry.byName, n));
    const record = k.records.get(n);
    const pair = record ? parseLevel(record.label) : undefined;
    const key = pair ? pairKey(pair) : undefined;
    const held = key ? await registry.read(key) : undefined;
    const detail = `${file} does not name a label (it says ${shown(entry.corrupt)}); it is never used as a path`;
    if (key && held?.sandbox === n) {
      out.push({ kind: 'corrupt label entry', severity: 'fail', detail, fix: `'sandbox doctor --repair' rewrites it to ${key}, the label of sandbox '${n}'`, repair: locked(() => registry.setLabelOf(n, key)) });
    } else {
      out.push({ kind: 'corrupt label entry', severity: 'fail', detail, fix: "'sandbox doctor --repair' removes it", repair: locked(() => registry.removeEntry(n)) });
    }
  }
  return out;
}
