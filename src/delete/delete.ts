// delete/: removing a sandbox: its files, its processes, its label.
// Deleting a sandbox is all-or-nothing from the user's view: the record is
// first renamed to a marker (.deleting-NAME.sandbox), which hides the sandbox
// at once; then its units, tree, manifest and label go; the marker goes last.
// A delete that was interrupted is finished by the next command (recovery/recover.ts).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { listRecords, readRecords, strict, type SandboxRecord } from '../config/record.js';
import { DEFAULT_UNIT_DIR, type Paths } from '../paths.js';
import { baseDir, baseHostPath, deletingMarker, manifestHostPath, isOurs, manifestPath, recordHostPath, recordPath, runtimeDir, unitEntry, wantsDir } from '../layout.js';
import { removeInside } from '../apply/safe-remove.js';
import { removeGenerated } from '../apply/remove-generated.js';
import { crashPoint } from '../apply/crash-point.js';
import { filesToRemove } from './files.js';
import type { LabelOps } from '../labels/ops.js';
import type { Change } from '../apply/change.js';
import { removeBase } from '../upgrade/base-copy.js';

/** Step 1: hide the sandbox. After this, delete always finishes. */
export async function markDeleting(paths: Paths, name: string): Promise<void> {
  await fs.rename(recordPath(paths, name), deletingMarker(paths, name));
}

/** Step 2: remove everything the marker's record names; idempotent, so it can be run again after a crash. */
/** The changes made: each removed path (as the host sees it). */
export async function finishDelete(paths: Paths, r: SandboxRecord, labels: LabelOps): Promise<Change[]> {
  const removed: Change[] = [];
  const unlink = (p: string) => removed.push({ kind: 'unlink', path: p });
  const others = (await listRecords(paths)).filter((o) => o.name !== r.name);
  const owned = [paths.unitDir];
  for (const f of filesToRemove(DEFAULT_UNIT_DIR, r, others)) {
    const file = paths.host(f.path);
    if (await isOurs(file, f.role)) {
      await removeGenerated(owned, file, f.role);
      unlink(f.path);
    }
    if (f.role === 'target') await fs.rmdir(`${file}.wants`).catch(() => undefined);
  }
  // Links made by enable point at the instance: remove them from the target's .wants.
  for (const unit of r.units) {
    const wants = wantsDir(paths.unitDir, unit);
    for (const link of await fs.readdir(wants).catch(() => [] as string[])) {
      const e = unitEntry(link);
      if (e.kind === 'instance' && e.name === r.name && (await removeInside(owned, path.join(wants, link)))) unlink(paths.unhost(path.join(wants, link)));
    }
    await fs.rmdir(wants).catch(() => undefined);
  }
  crashPoint('delete:units-removed');
  if (await removeInside([paths.stateDir], paths.host(r.tree))) unlink(r.tree);
  crashPoint('delete:tree-removed');
  // Its private /run, which a unit with RuntimeDirectoryPreserve= leaves behind when stopped.
  if (await removeInside([paths.runDir], runtimeDir(paths, r.name))) unlink(paths.unhost(runtimeDir(paths, r.name)));
  if (await removeInside([paths.stateDir], manifestPath(paths, r.name))) unlink(manifestHostPath(r.name));
  if (await removeBase(paths, baseDir(paths, r.name))) unlink(baseHostPath(r.name));
  await labels.release(r.name);
  crashPoint('delete:label-released');
  // The record, renamed to the marker at step 1, goes last.
  await removeInside([paths.configDir], deletingMarker(paths, r.name));
  unlink(recordHostPath(r.name));
  return removed;
}

/** Records of deletes that were interrupted. */
export async function pendingDeletes(paths: Paths): Promise<SandboxRecord[]> {
  return strict(await readRecords(paths, { which: 'deleting' }));
}
