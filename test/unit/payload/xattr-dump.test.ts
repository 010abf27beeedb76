// The getfattr/setfattr dump codec against the real tools: what we write,
// setfattr reads; what getfattr writes, we read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../../src/exec.js';
import { decodeValue, formatDump, hexValue, parseDump, quotePath, unquotePath } from '../../../src/payload/xattr-dump.js';

const ODD = ['plain', 'new\nline', 'back\\slash', 'tab\tand é', 'cr\r'];

test('quotePath / unquotePath round trip; only controls and backslash are escaped', () => {
  for (const name of ODD) assert.is(unquotePath(quotePath(`/x/${name}`)), `/x/${name}`);
  assert.is(quotePath('/a\nb\\c é'), '/a\\012b\\134c é');
});

test('setfattr --restore reads our dump; getfattr --dump reads back the same', async () => {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-dump-'));
  try {
    const files = ODD.map((n) => path.join(tmp, n));
    for (const f of files) await fs.writeFile(f, '');
    const dump = formatDump(files.map((f, i) => ({ path: f, attrs: [['user.n', hexValue(Buffer.from(`v${i}`))]] })));
    const set = await run('setfattr', ['-h', '--restore=-'], { input: dump });
    assert.is(set.exitCode, 0, set.stderr);
    const got = await run('getfattr', ['-h', '-d', '-m', '^user\\.', '-e', 'hex', '--absolute-names', ...files]);
    const records = parseDump(got.stdout);
    assert.equal(records.map((r) => r.path), files);
    assert.equal(records.map((r) => decodeValue(r.attrs[0]![1]).toString()), ['v0', 'v1', 'v2', 'v3', 'v4']);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
});

test('decodeValue: hex, base64 and text encodings', () => {
  assert.is(decodeValue('0x6869').toString(), 'hi');
  assert.is(decodeValue('0saGk=').toString(), 'hi');
  assert.is(decodeValue('"hi"').toString(), 'hi');
});

test('formatDump leaves out records without attributes', () => {
  assert.is(formatDump([{ path: '/a', attrs: [] }, { path: '/b', attrs: [['user.x', '0x01']] }]), '# file: /b\nuser.x=0x01\n\n');
});

test.run();
