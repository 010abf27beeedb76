// Every unit file and drop-in on this machine parses and serializes back byte for byte.
import { promises as fs, realpathSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseUnitFile, serializeUnitFile } from '../../../src/unitfile/index.js';

const DIRS = ['/lib/systemd/system', '/usr/lib/systemd/system', '/etc/systemd/system', '/usr/lib/systemd/user'];
const UNIT = /\.(service|socket|timer|target|mount|path|slice|automount|swap|conf)$/;

async function walk(dir: string, out: Set<string>): Promise<void> {
  for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile() && UNIT.test(e.name)) out.add(realpathSync(p));
  }
}

test('round trip of every unit file and drop-in on this machine', async () => {
  const files = new Set<string>();
  for (const d of DIRS) await walk(d, files);
  const mismatches: string[] = [];
  for (const f of files) {
    const text = await fs.readFile(f, 'utf8');
    if (serializeUnitFile(parseUnitFile(text, f)) !== text) mismatches.push(f);
  }
  assert.ok(files.size > 100, `only ${files.size} unit files found`);
  assert.equal(mismatches, []);
});

test('round trip of tricky text: continuations, comments inside them, no final newline, trailing blanks', () => {
  for (const text of [
    '[Service]\nExecStart=/bin/a \\\n  --b \\\n# a comment inside\n  --c\nEnvironment="A=1" \n',
    '# preamble\n\n[Unit]\nDescription=x\n;semicolon comment\n[Service]\nExecStart=/bin/x "a;b"',
    '[Service]\r\nExecStart=/bin/x\r\n',
  ]) {
    assert.is(serializeUnitFile(parseUnitFile(text)), text);
  }
});

test.run();
