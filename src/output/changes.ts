// The one formatter of changes (apply/change.ts), in systemctl's words:
// `Created symlink A → B.`, `Removed "A".`. Humans get runs of copies and
// directories said in one line each (summariseChanges); --json gives every change.
import type { Change, ChangeKind } from '../apply/change.js';

export function formatChange(c: Change): string {
  switch (c.kind) {
    case 'symlink':
      return `Created symlink ${c.path} → ${c.source}.`;
    case 'unlink':
      return `Removed "${c.path}".`;
    case 'mkdir':
      return `Created directory ${c.path}.`;
    case 'copy':
      return `Copied ${c.source} to ${c.path}.`;
    case 'label':
      return `Labelled ${c.path} ${c.source}.`;
    case 'write':
      return `Written ${c.path}.`;
    case 'merge':
      return `Merged the changes of ${c.source} into ${c.path}.`;
    case 'conflict':
      return `Conflict: ${c.source} is left as it is; the package's version (merged, with conflict markers) is in ${c.path}.`;
    case 'dropped':
      return `No longer in the package: ${c.path} (left in place).`;
  }
}

/**
 * A run longer than this, of one of these kinds, into one directory below /, is one line for a
 * human (a create copies hundreds of files into its base); removals are few and each one is said.
 */
const RUN = 3;
const SUMMED: Partial<Record<ChangeKind, (n: number, dir: string) => string>> = {
  copy: (n, dir) => `Copied ${n} paths into ${dir}.`,
  mkdir: (n, dir) => `Created ${n} directories under ${dir}.`,
};

/** The deepest directory holding every path (the path itself for one). */
function commonDir(paths: string[]): string {
  let parts = paths[0]!.split('/');
  for (const p of paths.slice(1)) {
    const q = p.split('/');
    let i = 0;
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join('/') || '/';
}

/** The human form of a change list: one line a change, but a run of more than RUN copies or directories made in one line. */
export function summariseChanges(changes: readonly Change[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < changes.length; ) {
    let j = i + 1;
    while (j < changes.length && changes[j]!.kind === changes[i]!.kind) j++;
    const sum = SUMMED[changes[i]!.kind];
    const run = changes.slice(i, j);
    const dir = commonDir(run.map((c) => c.path));
    if (sum && run.length > RUN && dir !== '/') out.push(sum(run.length, dir));
    else out.push(...run.map(formatChange));
    i = j;
  }
  return out;
}
