// Publishing and unpublishing ports of an existing sandbox: files first (each
// written whole), then the record, which says what is published; doctor
// removes drop-ins of ports the record does not name. Then systemd hears of it.
import type { Paths } from '../paths.js';
import { DEFAULT_UNIT_DIR } from '../paths.js';
import { serializeRecord, type SandboxRecord } from '../config/record.js';
import { writeFileAtomic, writeGenerated } from '../apply/atomic-write.js';
import { writeLinkAtomic } from '../apply/atomic-link.js';
import { removeGenerated } from '../apply/remove-generated.js';
import { isOurs, isShippedLink, recordPath } from '../layout.js';
import { VERSION } from '../version.js';
import { formatPublish, type Published } from './spec.js';
import { publishFiles, publishingUnit, publishPaths, templateLinks } from './units.js';

/** Writes the files for `published` (every port of r after the change) and removes those of `dropped`; then the record. */
export async function writePublished(paths: Paths, r: SandboxRecord, published: Published[], dropped: Published[], othersPublish: boolean): Promise<SandboxRecord> {
  const owned = [paths.unitDir];
  const main = publishingUnit(r);
  if (published.length) for (const l of templateLinks(DEFAULT_UNIT_DIR)) await writeLinkAtomic(paths.host(l.path), l.linkTo!);
  const keep = new Set<string>();
  for (const f of publishFiles(DEFAULT_UNIT_DIR, VERSION, r.name, main, published)) {
    await writeGenerated(paths.host(f.path), f.content);
    keep.add(f.path);
  }
  for (const p of publishPaths(DEFAULT_UNIT_DIR, r.name, main, [...dropped, ...published])) {
    const file = paths.host(p);
    if (keep.has(p)) continue;
    if (await isOurs(file)) await removeGenerated(owned, file, 'dropin');
  }
  if (!published.length && !othersPublish) {
    for (const l of templateLinks(DEFAULT_UNIT_DIR)) if (await isShippedLink(paths.host(l.path))) await removeGenerated(owned, paths.host(l.path), 'link');
  }
  const next: SandboxRecord = { ...r, publish: published.map(formatPublish) };
  await writeFileAtomic(recordPath(paths, r.name), serializeRecord(next));
  return next;
}
