// One typed change (like systemd portable.c's PortableChange {type, path,
// source}): what an operation did, or will do, to one path. Printed by one
// formatter (output/changes.ts); --json prints the list as it is.
export type ChangeKind = 'mkdir' | 'copy' | 'label' | 'write' | 'symlink' | 'unlink' | 'merge' | 'conflict' | 'dropped';

export interface Change {
  kind: ChangeKind;
  /** The path changed, as the host sees it. */
  path: string;
  /** Where it comes from: a symlink's target, a copy's source, a label's context, a merge's new file, a conflict's untouched file. */
  source?: string;
}
