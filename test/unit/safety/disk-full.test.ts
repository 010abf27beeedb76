// A full disk during create: a clean one-line error and nothing left behind.
// The fixture root lives on a small tmpfs (needs root to mount). First a
// payload too big to copy; then the tmpfs is shrunk to just above what is used,
// one inode or one page more per trial, so create runs out at every later step
// too (intent, manifest, units, label registry, record) until it fits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { run } from '../../../src/exec.js';
import { buildFixtureRoot, errorLines, HOST_PATHS, makeTmp, sandbox } from './fixture-root.js';
import { checkConsistent, readRecords } from './invariants.js';
import { diffSnapshots, snapshot } from './tree-snapshot.js';

const MIB = 1024 * 1024;
// The root (~0.3 MiB) and the big file fit; a second copy of the big file does not.
const TMPFS_BYTES = 4 * MIB;
const BIG_BYTES = 2.5 * MIB;
const MAX_STEPS = 80;

const isRoot = process.getuid?.() === 0;

async function mount(args: string[]): Promise<void> {
  const r = await run('mount', args);
  if (r.exitCode !== 0) throw new Error(`mount ${args.join(' ')}: ${r.stderr}`);
}

/** Mount a tmpfs, build the fixture root on it, run fn, always unmount. */
async function onTmpfs(fn: (mnt: string, root: string) => Promise<void>): Promise<void> {
  const work = await makeTmp('disk-full');
  const mnt = path.join(work, 'mnt');
  await fs.mkdir(mnt);
  await mount(['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES},mode=0755`, 'sbx-disk-full', mnt]);
  try {
    // The RPM is built off the tmpfs; only the installed root is on it.
    const root = await buildFixtureRoot(mnt, path.join(work, 'build'));
    await fn(mnt, root);
  } finally {
    await run('umount', [mnt]);
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** The failed create's contract: non-zero, one `sandbox: ` line last, no stack, nothing of the sandbox anywhere. */
async function assertCleanFailure(root: string, r: Awaited<ReturnType<typeof sandbox>>, hostBefore: Map<string, string>, what: string) {
  assert.ok(r.code !== 0 && r.code !== null, `${what}: exit ${r.code}`);
  assert.equal(errorLines(r.stderr).length, 1, `${what}:\n${r.stderr}`);
  assert.ok(r.stderr.trimEnd().split('\n').pop()!.startsWith('sandbox: '), `${what}:\n${r.stderr}`);
  assert.not.match(r.stderr, /internal error|^\s+at /m, `${what}:\n${r.stderr}`);
  assert.equal(await readRecords(root), [], `${what}: a record was left`);
  assert.equal(await checkConsistent(root), [], `${what}: left behind`);
  assert.equal(await fs.readdir(path.join(root, 'etc/systemd/system')).catch(() => []), [], `${what}: unit files left`);
  assert.equal(diffSnapshots(hostBefore, await snapshot(root, HOST_PATHS)), [], `${what}: the package's files changed`);
}

(isRoot ? test : test.skip)('a payload bigger than the free space: clean error, nothing left', async () => {
  await onTmpfs(async (_mnt, root) => {
    await fs.writeFile(path.join(root, 'var/lib/sbxdemo/big'), randomBytes(BIG_BYTES));
    const hostBefore = await snapshot(root, HOST_PATHS);
    const r = await sandbox(root, ['create', '-u', 'sbxdemo.service', 'x']);
    await assertCleanFailure(root, r, hostBefore, 'create with the big file');
    assert.match(errorLines(r.stderr)[0]!, /No space left on device/);
    // And the next command finds nothing to recover: the failed create cleaned up itself.
    const next = await sandbox(root, ['list']);
    assert.is(next.code, 0, next.stderr);
    assert.equal(errorLines(next.stderr), [], next.stderr);
  });
});

(isRoot ? test : test.skip)('out of inodes, then out of pages, at every step of create', async () => {
  await onTmpfs(async (mnt, root) => {
    const hostBefore = await snapshot(root, HOST_PATHS);
    for (const limit of ['nr_inodes', 'size'] as const) {
      let failures = 0;
      const messages = new Set<string>();
      let created = false;
      for (let step = 0; step < MAX_STEPS && !created; step++) {
        const st = await fs.statfs(mnt);
        const used = limit === 'nr_inodes' ? st.files - st.ffree : (st.blocks - st.bfree) * st.bsize;
        const value = limit === 'nr_inodes' ? used + step : used + step * st.bsize;
        await mount(['-o', `remount,${limit}=${value}`, mnt]);
        const what = `${limit}=${value} (used + ${step})`;
        const r = await sandbox(root, ['create', '-u', 'sbxdemo.service', 'x']);
        if (r.code === 0) created = true;
        else {
          failures++;
          await assertCleanFailure(root, r, hostBefore, what);
          messages.add(errorLines(r.stderr)[0]!.split(root).join('ROOT').replace(/\.\d+(\.tmp)?\b/g, '.PID$1'));
        }
      }
      assert.ok(created, `${limit}: create never fitted in ${MAX_STEPS} steps`);
      assert.ok(failures > 3, `${limit}: only ${failures} failures before it fitted`);
      console.log(`  ${limit}: ${failures} clean failures, then created; the errors:\n    ${[...messages].join('\n    ')}`);
      await mount(['-o', `remount,nr_inodes=1000000,size=${TMPFS_BYTES}`, mnt]);
      const del = await sandbox(root, ['delete', 'x']);
      assert.is(del.code, 0, del.stderr);
      assert.equal(await checkConsistent(root), []);
    }
  });
});
test.run();
