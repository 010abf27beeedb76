// Issue 19 item 5: file names are bytes end to end. A name with a \xff byte
// in the service's directories (a file, a directory holding a fifo so it is
// rebuilt entry by entry, a symlink) is copied, labelled, listed in the
// manifest and deleted. Checked from outside with find, sha256sum, getfattr;
// every expected value is written here or read by those tools.
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildFixtureRoot, makeTmp, sandbox } from '../safety/fixture-root.js';
import { decodeName, encodeName } from '../../../src/payload/bytes.js';
import { formatManifest, parseManifest, type ManifestRecord } from '../../../src/payload/manifest.js';
import { quotePath, unquotePath } from '../../../src/payload/xattr-dump.js';

const work = await makeTmp('raw-bytes');
const root = await buildFixtureRoot(work);
const TREE = path.join(root, 'var/lib/sandbox/raw1');
const CONTEXT = 'system_u:object_r:svirt_sandbox_file_t:s0:c7,c8';
const sh = (script: string, ...args: string[]) => execFileSync('sh', ['-c', script, 'sh', ...args], { encoding: 'latin1' });

test.before(() => {
  // b\377d: a file; d\376/: a directory holding a file and a fifo (a fifo is never copied, so the directory is rebuilt); l\375: a link.
  sh(`cd "$1/var/lib/sbxdemo" && printf 'payload\\n' > "$(printf 'b\\377d')" && mkdir "$(printf 'd\\376')" && printf 'inner\\n' > "$(printf 'd\\376/in\\377')" && mkfifo "$(printf 'd\\376/fifo')" && ln -s "$(printf 'b\\377d')" "$(printf 'l\\375')" && chmod 0750 "$(printf 'd\\376')" && setfattr -n user.origin -v admin "$(printf 'd\\376')"`, root);
});
test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test('create copies, labels and lists the names byte for byte', async () => {
  const r = await sandbox(root, ['create', '-u', 'sbxdemo.service', '--security', `static,label=s0:c7,c8`, 'raw1']);
  assert.is(r.code, 0, r.stderr);
  // find prints names as bytes (latin1 here keeps each byte one character).
  const listed = sh(`cd "$1/var/lib/sbxdemo" && find . -path ./d?/fifo -prune -o -print | LC_ALL=C sort`, TREE);
  assert.is(listed, ['.', './b\xffd', './d\xfe', './d\xfe/in\xff', './l\xfd', './seed', ''].join('\n'));
  const sums = (dir: string) => sh(`cd "$1" && sha256sum "$(printf 'b\\377d')" "$(printf 'd\\376/in\\377')"`, dir);
  const hostSums = sums(path.join(root, 'var/lib/sbxdemo'));
  assert.is(sums(path.join(TREE, 'var/lib/sbxdemo')), hostSums);
  assert.is(sh(`readlink "$1/var/lib/sbxdemo/$(printf 'l\\375')"`, TREE), 'b\xffd\n');
  for (const name of ['b\\377d', 'd\\376', 'd\\376/in\\377', 'l\\375']) {
    const label = sh(`getfattr -h --absolute-names --only-values -n security.selinux "$1/var/lib/sbxdemo/$(printf '${name}')"`, TREE);
    assert.is(label.replace(/\0$/, ''), CONTEXT, name);
  }
  // The rebuilt directory keeps its mode and xattrs.
  const dir = (top: string) => sh(`d="$1/var/lib/sbxdemo/$(printf 'd\\376')"; stat -c %a "$d"; getfattr -h --absolute-names --only-values -n user.origin "$d"`, top);
  assert.is(dir(TREE), '750\nadmin');
  // The manifest writes a byte that is not UTF-8 as \xHH.
  const manifest = await fs.readFile(path.join(root, 'var/lib/sandbox/.manifests/raw1'), 'utf8');
  const sum = (name: string) => new RegExp(`^([0-9a-f]{64})  ${name}$`, 'm').exec(hostSums)![1]!;
  assert.match(manifest, new RegExp(`^/var/lib/sbxdemo/b\\\\xffd\\tfile\\t[^\\n]*\\t${sum('b\xffd')}$`, 'm'));
  assert.match(manifest, new RegExp(`^/var/lib/sbxdemo/d\\\\xfe\\tdir\\t`, 'm'));
  assert.match(manifest, new RegExp(`^/var/lib/sbxdemo/d\\\\xfe/in\\\\xff\\tfile\\t[^\\n]*\\t${sum('d\xfe/in\xff')}$`, 'm'));
  assert.match(manifest, /^\/var\/lib\/sbxdemo\/l\\xfd\tsymlink\t[^\n]*\tb\\xffd\t$/m);
  assert.not.match(manifest, /\ufffd/);
});

test('bytes <-> names: every byte string survives decode and encode; UTF-8 text stays text', () => {
  const samples = [Buffer.from('plain'), Buffer.from('é\u{1F600}'), Buffer.from([0x62, 0xff, 0x64]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from([0xc0, 0xaf])];
  for (const b of samples) assert.equal(encodeName(decodeName(b)), b, b.toString('hex'));
  assert.is(decodeName(Buffer.from('é\u{1F600}')), 'é\u{1F600}');
  const name = decodeName(Buffer.from([0x2f, 0x62, 0xff, 0x5c, 0x0a]));
  assert.is(quotePath(name), '/b\\377\\134\\012');
  assert.is(unquotePath(quotePath(name)), name);
  const rec: ManifestRecord = { path: name, type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 1, mtime: 1, target: name };
  const text = formatManifest([rec]);
  assert.ok(text.includes('/b\\xff\\\\\\n\tsymlink'), text);
  assert.equal(parseManifest(text), [rec]);
});

test('delete removes them; the host files stay', async () => {
  const r = await sandbox(root, ['delete', 'raw1']);
  assert.is(r.code, 0, r.stderr);
  assert.is(await fs.lstat(TREE).then(() => true, () => false), false);
  assert.is(sh(`cat "$1/var/lib/sbxdemo/$(printf 'b\\377d')"`, root), 'payload\n');
});

test.run();
