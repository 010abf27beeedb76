// SIGINT and SIGTERM during create: the process itself rolls everything back
// and frees the label before it exits (130 / 143), with no later command
// needed; checked straight from the files, at every crash point of create.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { buildFixtureRoot, copyRoot, HOST_PATHS, inPool, makeTmp, sandbox } from './fixture-root.js';
import { checkConsistent, readRecords } from './invariants.js';
import { diffSnapshots, snapshot } from './tree-snapshot.js';

const work = await makeTmp('signals');
const fixture = await buildFixtureRoot(work);
const hostBefore = await snapshot(fixture, HOST_PATHS);
// The create's crash points before its commit point (the record); after it, the sandbox is made.
const POINTS = ['create:label-reserved', 'create:staging', 'create:copied', 'create:labelled', 'create:published-tree', 'create:wrote-service', 'create:wrote-dropin', 'create:wrote-target'];

test.after(() => fs.rm(work, { recursive: true, force: true }));

for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${sig} at every step of create: exit ${code}, everything rolled back and the label freed by the process itself`, async () => {
    const failures: string[] = [];
    await inPool(POINTS, 2, async (point) => {
      const root = await copyRoot(fixture, path.join(work, `${sig}-${point.replace(':', '-')}`));
      const r = await sandbox(root, ['create', '-u', 'sbxdemo.service', 'x'], { env: { SANDBOX_CRASH_AT: point, SANDBOX_CRASH_SIGNAL: sig } });
      const problems = [
        ...(r.code === code ? [] : [`exit ${r.code ?? r.signal}, not ${code}: ${r.stderr.trim()}`]),
        ...(/rolling back/.test(r.stderr) ? [] : ['no "rolling back" on stderr']),
        ...((await readRecords(root)).length ? ['a record is left'] : []),
        // no later command ran: what the files say is what the interrupted process left
        ...(await checkConsistent(root)),
        ...diffSnapshots(hostBefore, await snapshot(root, HOST_PATHS)),
      ];
      if (problems.length) failures.push(`${point}: ${problems.join('; ')} [root kept: ${root}]`);
      else await fs.rm(root, { recursive: true, force: true });
    });
    assert.equal(failures, [], failures.join('\n'));
  });
}

test.run();
