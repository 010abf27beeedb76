// From the plan's file actions to what will be written: the merges run
// (read-only: diff3 reads the sandbox's copy on stdin), and the change list
// that --dry-run prints and the upgrade reports (apply/change.ts).
import path from 'node:path';
import type { Paths } from '../paths.js';
import { baseDir, SANDBOX_NEW_SUFFIX } from '../layout.js';
import type { Change } from '../apply/change.js';
import type { UpgradeFacts } from './gather.js';
import { planFiles, type FileAction } from './plan.js';
import { readInside } from './inside.js';
import { mergeFile, type MergeResult } from './merge.js';

export interface ResolvedAction extends FileAction {
  merged?: MergeResult;
  /** Owner and mode of the sandbox's file, which a merged file keeps. */
  owner?: { uid: number; gid: number; mode: number };
}

export interface ResolvedUpgrade {
  actions: ResolvedAction[];
  changes: Change[];
  /** Host paths (in the tree) of files left with a FILE.sandbox-new beside them. */
  conflicts: string[];
}

export async function resolveUpgrade(paths: Paths, f: UpgradeFacts): Promise<ResolvedUpgrade> {
  const tree = paths.host(f.record.tree);
  const actions: ResolvedAction[] = [
    ...f.added.map((p): ResolvedAction => ({ kind: 'add', path: p, why: 'new in the package' })),
    ...planFiles(f.files, f.added),
  ];
  for (const a of actions) {
    if (a.kind !== 'merge' && a.kind !== 'offer') continue;
    const mine = await readInside(tree, a.path);
    if (mine.bytes === undefined) continue;
    a.owner = { uid: mine.uid!, gid: mine.gid!, mode: mine.mode! };
    if (a.kind === 'merge') a.merged = await mergeFile(mine.bytes, path.join(baseDir(paths, f.record.name), a.path), paths.host(a.path), a.path);
  }
  const inTree = (p: string) => path.posix.join(f.record.tree, p);
  const changes: Change[] = [];
  const conflicts: string[] = [];
  for (const a of actions) {
    if (a.kind === 'add' || a.kind === 'replace') changes.push({ kind: 'copy', path: inTree(a.path), source: a.path });
    else if (a.kind === 'merge' && a.merged?.clean) changes.push({ kind: 'merge', path: inTree(a.path), source: a.path });
    else if (a.kind === 'merge' || a.kind === 'offer') {
      changes.push({ kind: 'conflict', path: inTree(a.path) + SANDBOX_NEW_SUFFIX, source: inTree(a.path) });
      conflicts.push(inTree(a.path));
    } else if (a.kind === 'dropped') changes.push({ kind: 'dropped', path: inTree(a.path) });
  }
  for (const u of f.units) changes.push(u.linkTo !== undefined ? { kind: 'symlink', path: u.path, source: u.linkTo } : { kind: 'write', path: u.path });
  return { actions, changes, conflicts };
}
