// The change list (apply/change.ts) of create and clone, on temp roots, checked
// from outside: what `--dry-run --json` plans is what a real run's `--json`
// reports; every path the run made is in that list (walking the root after it);
// and a create or clone stopped at any crash point before its record, by
// SIGTERM, undoes what it had begun and leaves the root exactly as it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Change } from '../../../src/apply/change.js';
import { JOURNAL_KEY } from '../../../src/layout.js';
import { buildFixtureRoot, copyRoot, makeTmp, sandbox } from '../safety/fixture-root.js';
import { diffSnapshots, snapshot } from '../safety/tree-snapshot.js';

const work = await makeTmp('changes');
const fixture = await buildFixtureRoot(work);
/** Everything create, clone and delete may write. */
const OURS = ['/var/lib/sandbox', '/etc/sandbox', '/etc/systemd/system', '/run/sandbox'];

test.after(() => fs.rm(work, { recursive: true, force: true }));

async function changesOf(root: string, args: string[]): Promise<Change[]> {
  const r = await sandbox(root, [...args, '--json']);
  assert.is(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { changes: Change[] }).changes;
}

/** A dynamic label is drawn when the sandbox is made (a dry run shows a free one as an example): the level is the only thing that may differ. */
const anyLevel = (cs: Change[]) => cs.map((c) => (c.kind === 'label' ? { ...c, source: c.source!.replace(/s0:c\d+,c\d+$/, 's0:LEVEL') } : c));

const isUnder = (p: string, dir: string) => p === dir || p.startsWith(dir + '/');

/** The new paths (as the host sees them) the changes do not account for: a path changed, inside a tree made or copied, or a directory on the way to one. */
function unaccounted(made: string[], changes: Change[]): string[] {
  return made.filter(
    (p) => !changes.some((c) => c.path === p || ((c.kind === 'mkdir' || c.kind === 'copy') && isUnder(p, c.path)) || c.path.startsWith(p + '/')),
  );
}

// The label registry and the journal's signing key are the tool's own, made on first use, not the sandbox's.
const newPaths = (before: Map<string, string>, after: Map<string, string>) =>
  [...after.keys()].filter((k) => !k.endsWith(' xattr') && !before.has(k) && !isUnder(k, '/var/lib/sandbox/.labels') && k !== `/var/lib/sandbox/${JOURNAL_KEY}`);

for (const op of ['create', 'clone'] as const) {
  test(`${op}: --dry-run --json plans the list a real run's --json reports, and the list is every path the run made`, async () => {
    const root = await copyRoot(fixture, path.join(work, `list-${op}`));
    if (op === 'clone') assert.is((await sandbox(root, ['create', '-u', 'sbxdemo.service', 'src'])).code, 0);
    const args = op === 'create' ? ['create', '-u', 'sbxdemo.service', 'x'] : ['clone', 'src', 'x'];
    const planned = await changesOf(root, [args[0]!, '--dry-run', ...args.slice(1)]);
    const before = await snapshot(root, OURS);
    const made = await changesOf(root, args);
    assert.equal(anyLevel(made), anyLevel(planned));
    const after = await snapshot(root, OURS);
    // Nothing that was there changed (a clone's source, the shared units): only new paths.
    assert.equal(diffSnapshots(before, after).filter((d) => !d.startsWith('added ') && !d.includes('/var/lib/sandbox/.labels')), []);
    assert.equal(unaccounted(newPaths(before, after), made), []);
    for (const c of made) {
      const at = path.join(root, c.path);
      if (c.kind === 'symlink') assert.is(await fs.readlink(at), c.source);
      else if (c.kind === 'write') assert.ok((await fs.lstat(at)).isFile(), c.path);
      else if (c.kind === 'mkdir') assert.ok((await fs.lstat(at)).isDirectory(), c.path);
      else if (c.kind === 'copy') assert.is((await fs.lstat(at)).isDirectory(), (await fs.lstat(path.join(root, c.source!))).isDirectory(), c.path);
      else if (c.kind === 'label') {
        const listing = execFileSync('getfattr', ['-h', '-R', '-d', '-m', 'security.selinux', '--absolute-names', at], { encoding: 'utf8' }).split('\n');
        assert.is(listing.filter((l) => l === `security.selinux="${c.source}"`).length, listing.filter((l) => l.startsWith('# file: ')).length);
      } else assert.unreachable(`${op} made a ${c.kind}`);
    }
    // The record last (the commit point), the tree first.
    assert.equal([made[0]!.path, made.at(-1)!.path], ['/var/lib/sandbox/x', '/etc/sandbox/x.sandbox']);
  });
}

// Before the record (the commit point): the undo built from the changes begun takes everything back. A signal
// is acted on at the next step boundary (apply/interrupt.ts), so at wrote-profile, the last unit, it is acted on
// once the record is written: the undo takes the record back too.
const POINTS = {
  create: ['staging', 'copied', 'labelled', 'published-tree', 'wrote-service', 'wrote-dropin', 'wrote-target', 'wrote-profile'],
  clone: ['staging', 'copied', 'labelled', 'published-tree', 'wrote-dropin', 'wrote-profile'],
};

for (const op of ['create', 'clone'] as const) {
  test(`${op}: stopped at each crash point, the undo of the changes begun leaves the root as it was (the shared units and the source kept)`, async () => {
    const root = await copyRoot(fixture, path.join(work, `undo-${op}`));
    // A sandbox of the same service: its template and target are shared, and must stay; it is also the clone's source.
    assert.is((await sandbox(root, ['create', '-u', 'sbxdemo.service', 'src'])).code, 0);
    const before = await snapshot(root, OURS);
    const args = op === 'create' ? ['create', '-u', 'sbxdemo.service', 'x'] : ['clone', 'src', 'x'];
    for (const point of POINTS[op]) {
      const r = await sandbox(root, args, { env: { SANDBOX_CRASH_AT: `${op}:${point}`, SANDBOX_CRASH_SIGNAL: 'SIGTERM' } });
      assert.is(r.code, 143, `${point}: ${r.stderr}`);
      assert.not.match(r.stderr, /could not undo/, point);
      // Straight from the files: no later command (and so no recovery) ran.
      assert.equal(diffSnapshots(before, await snapshot(root, OURS)), [], point);
    }
  });
}

test.run();
