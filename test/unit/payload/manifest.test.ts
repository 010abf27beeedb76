// Manifests: built from a real tree, written as text, read back unchanged.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SandboxError } from '../../../src/errors.js';
import { buildManifest, formatManifest, MANIFEST_HEADER, parseManifest, sha256File, type ManifestRecord } from '../../../src/payload/manifest.js';

let tmp = '';
let records: ManifestRecord[] = [];
const CONTENT = 'ServerName sandbox\n';
const ODD = 'tab\there\nnew\\line é';

test.before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-manifest-'));
  await fs.mkdir(path.join(tmp, 'etc/demo'), { recursive: true });
  await fs.writeFile(path.join(tmp, 'etc/demo/demo.conf'), CONTENT);
  await fs.chown(path.join(tmp, 'etc/demo/demo.conf'), 1234, 5678);
  await fs.chmod(path.join(tmp, 'etc/demo/demo.conf'), 0o4640); // after chown, which clears setuid
  await fs.symlink('../outside/file', path.join(tmp, 'etc/demo/link'));
  await fs.writeFile(path.join(tmp, 'etc/demo', ODD), '');
  records = await buildManifest(tmp);
});
test.after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

test('one record per entry, host-view paths, parents first, never following links', () => {
  assert.equal(records.map((r) => r.path), ['/etc', '/etc/demo', '/etc/demo/demo.conf', '/etc/demo/link', `/etc/demo/${ODD}`]);
  assert.equal(records.map((r) => r.type), ['dir', 'dir', 'file', 'symlink', 'file']);
});

test('a file: mode with setuid bit, owner, size, mtime, and the sha256 of its content', async () => {
  const r = records.find((x) => x.path === '/etc/demo/demo.conf')!;
  const st = await fs.lstat(path.join(tmp, 'etc/demo/demo.conf'));
  assert.is(r.mode, 0o4640);
  assert.is(r.uid, 1234);
  assert.is(r.gid, 5678);
  assert.is(r.size, CONTENT.length);
  assert.is(r.mtime, st.mtimeMs);
  assert.is(r.sha256, createHash('sha256').update(CONTENT).digest('hex'));
  assert.is(r.target, undefined);
});

test('a symlink: its target text, no digest', () => {
  const r = records.find((x) => x.path === '/etc/demo/link')!;
  assert.is(r.target, '../outside/file');
  assert.is(r.sha256, undefined);
});

test('text round trip, including a name with tab, newline, backslash and UTF-8', () => {
  const text = formatManifest(records);
  assert.is(text.split('\n')[0], MANIFEST_HEADER);
  assert.is(text.split('\n').length, records.length + 2, 'one line per entry, then the final newline');
  assert.equal(parseManifest(text), records);
  assert.is(formatManifest(parseManifest(text)), text);
});

test('the same tree gives the same text', async () => {
  assert.is(formatManifest(await buildManifest(tmp)), formatManifest(records));
});

test('sha256File: small files (read at once), the 1 MiB edge, large ones (streamed) and empty ones give their content digest', async () => {
  for (const size of [0, 1, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 17]) {
    const bytes = Buffer.alloc(size, 0);
    for (let i = 0; i < size; i += 4093) bytes[i] = i % 251;
    const file = path.join(tmp, `digest-${size}`);
    await fs.writeFile(file, bytes);
    assert.is(await sha256File(file), createHash('sha256').update(bytes).digest('hex'), `size ${size}`);
    await fs.rm(file);
  }
});

test('sha256File of a missing file rejects', async () => {
  let err: unknown;
  await sha256File(path.join(tmp, 'no-such-file')).catch((e) => (err = e));
  assert.ok(err instanceof Error && /ENOENT/.test(err.message));
});

test('a damaged line is an error naming the line', () => {
  const text = formatManifest(records).replace('\tfile\t', '\tbogus\t');
  assert.throws(() => parseManifest(text, 'm.txt'), (e: unknown) => e instanceof SandboxError && /^m\.txt:\d+: /.test((e as Error).message));
});

test.run();
