// The journal's signing key on disk: made whole or not at all, one key for
// commands that make it at the same time, a damaged one replaced.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePaths } from '../../../src/paths.js';
import { journalKeyPath } from '../../../src/layout.js';

const KEY_MODULE = fileURLToPath(new URL('../../../src/journal/key.js', import.meta.url));
const PATHS_MODULE = fileURLToPath(new URL('../../../src/paths.js', import.meta.url));
let tmp = '';

test.before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-key-'));
});
test.after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** A separate process (its own per-command memo) making or reading the key under root; prints its hex. */
function keyFromProcess(root: string): Promise<string> {
  const code = `const { journalKey } = await import(${JSON.stringify(KEY_MODULE)}); const { makePaths } = await import(${JSON.stringify(PATHS_MODULE)});
    const k = await journalKey(makePaths(${JSON.stringify(root)}), true); process.stdout.write(k ? k.toString('hex') : 'none');`;
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('error', reject);
    c.on('close', () => resolve(out));
  });
}

async function stateRoot(name: string): Promise<string> {
  const root = path.join(tmp, name);
  await fs.mkdir(makePaths(root).stateDir, { recursive: true });
  return root;
}

test('eight commands making the key at once all get the one key on disk, 32 bytes, mode 0600, no temp file left', async () => {
  const root = await stateRoot('race');
  const keys = await Promise.all(Array.from({ length: 8 }, () => keyFromProcess(root)));
  const file = journalKeyPath(makePaths(root));
  const onDisk = await fs.readFile(file);
  assert.is(onDisk.length, 32);
  assert.equal(keys, Array(8).fill(onDisk.toString('hex')));
  assert.is((await fs.stat(file)).mode & 0o777, 0o600);
  assert.equal(await fs.readdir(makePaths(root).stateDir), ['.journal-key']);
});

test('a short key (a write cut short) is replaced by a whole one, which is then used', async () => {
  const root = await stateRoot('short');
  const file = journalKeyPath(makePaths(root));
  await fs.writeFile(file, Buffer.alloc(5), { mode: 0o600 });
  const key = await keyFromProcess(root);
  const onDisk = await fs.readFile(file);
  assert.is(onDisk.length, 32);
  assert.is(key, onDisk.toString('hex'));
  assert.is(await keyFromProcess(root), key, 'the next command uses the same key');
});

test.run();
