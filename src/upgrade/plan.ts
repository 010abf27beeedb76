// The pure half of upgrade: what happens to each package file of a sandbox,
// from three facts per file: its base (as the sandbox was made from it), the
// sandbox's own copy (mine) and the package's file now (theirs). Like dpkg's
// conffile rule, widened to a three-way merge: a file only the package changed
// is replaced, one only the admin changed is kept, one both changed is merged.

/** A file in the sandbox's tree, as the upgrade found it. */
export type Mine = { kind: 'missing' } | { kind: 'file'; sha256: string } | { kind: 'other'; what: string };

export interface FileFacts {
  /** Host view, e.g. /etc/sbxdemo/sbxdemo.conf */
  path: string;
  /** sha256 of the base copy; undefined when the base has none (new in the package, or a sandbox made before bases). */
  base?: string;
  mine: Mine;
  /** sha256 of the package's file on the host now; undefined when the package no longer has it. */
  theirs?: string;
}

export type FileActionKind =
  /** the package's new file replaces the sandbox's unchanged one */
  | 'replace'
  /** three-way merge of mine, base and theirs */
  | 'merge'
  /** new in the package, absent in the sandbox: copied in */
  | 'add'
  /** the sandbox has its own file where the package now ships one: the package's goes beside it as FILE.sandbox-new */
  | 'offer'
  /** no longer in the package: reported, left in the sandbox */
  | 'dropped'
  /** nothing to do */
  | 'keep';

export interface FileAction {
  kind: FileActionKind;
  path: string;
  /** Why, for --dry-run and the report. */
  why: string;
}

/** What one package file becomes. */
export function planFile(f: FileFacts): FileAction {
  const act = (kind: FileActionKind, why: string): FileAction => ({ kind, path: f.path, why });
  if (f.theirs === undefined) return act('dropped', 'no longer in the package; left in the sandbox');
  const mine = f.mine;
  if (f.base === undefined) {
    if (mine.kind === 'missing') return act('add', 'new in the package');
    if (mine.kind === 'file' && mine.sha256 === f.theirs) return act('keep', 'already as the package has it');
    return act('offer', mine.kind === 'other' ? `the sandbox has a ${mine.what} there` : 'the sandbox has its own file there and no base to merge from');
  }
  if (f.theirs === f.base) return act('keep', 'unchanged in the package');
  if (mine.kind === 'missing') return act('keep', 'removed in the sandbox; left removed');
  if (mine.kind === 'other') return act('offer', `the sandbox has a ${mine.what} there`);
  if (mine.sha256 === f.base) return act('replace', 'changed in the package only');
  if (mine.sha256 === f.theirs) return act('keep', 'already as the package has it');
  return act('merge', 'changed in the package and in the sandbox');
}

/**
 * Every package file's action, sorted by path. Files inside `added` (whole
 * directories new to the tree, copied as they are) need no action of their own.
 */
export function planFiles(facts: readonly FileFacts[], added: readonly string[] = []): FileAction[] {
  const inside = (p: string) => added.some((a) => p === a || p.startsWith(a + '/'));
  return facts
    .filter((f) => !inside(f.path))
    .map(planFile)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Whether a package moved on since the sandbox was made or last upgraded. */
export interface PackageDrift {
  name: string;
  /** The version recorded; undefined in records made before versions were recorded. */
  recorded?: string;
  /** The version installed now; undefined when it is no longer installed. */
  installed?: string;
}

export function isBehind(drift: readonly PackageDrift[]): boolean {
  return drift.some((d) => d.recorded !== undefined && d.recorded !== d.installed);
}
