// The one formatter of changes (apply/change.ts), in systemctl's words:
// `Created symlink A → B.`, `Removed "A".`.
import type { Change } from '../apply/change.js';

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

/** The paths a list of changes touched, space-separated (for one-line summaries). */
export function changedPaths(changes: Change[]): string {
  return changes.map((c) => c.path).join(' ');
}
