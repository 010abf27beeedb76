// The registry lock as other processes see it: util-linux flock from outside
// is refused while a hold runs and gets the lock after it; holds of one
// process never overlap; a lock file made anew is the one locked; a killed
// holder's lock goes with it; a process that took the lock still exits.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withLock } from '../../../src/labels/lock.js';
import { rejects } from './temp-root.js';

const LOCK_JS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../src/labels/lock.js');
let dir = '';
let file = '';

/** Can another process take the lock right now? (flock -n: no waiting) */
const freeOutside = (f = file) => spawnSync('flock', ['--nonblock', f, 'true']).status === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sbx-lock-'));
  file = path.join(dir, '.lock');
});
test.after(() => fs.rm(dir, { recursive: true, force: true }));

test('while a hold runs another process cannot take the lock; after it, it can', async () => {
  assert.ok(freeOutside(), 'free before');
  const seen = await withLock(file, async () => freeOutside());
  assert.is(seen, false, 'taken from outside during the hold');
  assert.ok(freeOutside(), 'free after the hold');
  // and again, through the same holder
  assert.is(await withLock(file, async () => freeOutside()), false);
  assert.ok(freeOutside());
});

test("holds of one process wait for each other, and a throwing hold releases", async () => {
  const log: string[] = [];
  const hold = (name: string, ms: number) =>
    withLock(file, async () => {
      log.push(`${name}+`);
      await sleep(ms);
      log.push(`${name}-`);
    });
  const failing = () =>
    withLock(file, async () => {
      log.push('x+');
      throw new Error('boom');
    }).catch(() => log.push('x-'));
  await Promise.all([hold('a', 150), failing(), hold('b', 50), hold('c', 10)]);
  assert.equal(log, ['a+', 'a-', 'x+', 'x-', 'b+', 'b-', 'c+', 'c-']);
  assert.ok(freeOutside());
});

test('a lock file removed and made anew between holds is the one locked', async () => {
  await withLock(file, async () => undefined);
  await fs.rm(file);
  await fs.writeFile(file, '');
  assert.is(await withLock(file, async () => freeOutside()), false);
});

test('a lock held by another process: the timeout gives one clear error and runs nothing', async () => {
  const other = spawn('flock', [file, 'sleep', '30'], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && freeOutside(); i++) await sleep(20);
    let ran = false;
    await rejects(
      withLock(file, async () => (ran = true), 1),
      /could not lock .*\.lock within 1s: another sandbox command holds it/,
    );
    assert.is(ran, false);
  } finally {
    other.kill('SIGKILL');
  }
});

/** A node process that takes the lock, says so, then runs `then` (JS) inside the hold. */
function holder(then: string) {
  const script = `const { withLock } = await import(${JSON.stringify(LOCK_JS)});
await withLock(${JSON.stringify(file)}, async () => { process.stdout.write('held\\n'); ${then} });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const held = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, held, exited };
}

test('a holder killed with SIGKILL leaves no lock behind', async () => {
  const h = holder('await new Promise(() => setInterval(() => {}, 1000));');
  await h.held;
  assert.is(freeOutside(), false, 'held by the child');
  h.child.kill('SIGKILL');
  await h.exited;
  // flock -w: the kernel drops the lock when the holder's shell sees its stdin close
  execFileSync('flock', ['--timeout', '10', file, 'true']);
});

test('a process that took the lock exits when its work is done, without waiting for anything', async () => {
  const h = holder('');
  await h.held;
  const code = await Promise.race([h.exited, sleep(20000).then(() => 'still running')]);
  if (code === 'still running') h.child.kill('SIGKILL');
  assert.is(code, 0);
  assert.ok(freeOutside());
});

test.run();
