// upgrade/: bringing sandboxes forward after their packages were updated (plan pure, apply crash-safe).
// Which files a sandbox's base keeps: every regular file its packages list that
// the payload plan copies into the tree (not one an --exclude cut out). These
// are the files an upgrade merges; the rest of the tree is the sandbox's own.
import { isInside } from '../paths.js';
import type { HostPath } from '../payload/host-entries.js';
import type { PayloadPlan } from '../payload/rules.js';

/** Host paths, sorted, of the package files the payload brings into the tree. */
export function packageFileSet(packageFiles: readonly HostPath[], payload: Pick<PayloadPlan, 'entries' | 'excludes'>): string[] {
  const covered = (p: string) =>
    payload.entries.some((e) => (e.how === 'whole' ? isInside(e.path, p) : e.path === p)) && !payload.excludes.some((x) => isInside(x, p));
  const out = new Set<string>();
  for (const f of packageFiles) if (f.type === 'file' && covered(f.path)) out.add(f.path);
  return [...out].sort();
}
