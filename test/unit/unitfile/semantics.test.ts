import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isValidInstanceName, parseUnitFile, serializeUnitFile, splitExecLine, unitNameParts } from '../../../src/unitfile/index.js';
import { SandboxError } from '../../../src/errors.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/unitfile');

test('apache2.service: get, getAll, sections', () => {
  const u = parseUnitFile(readFileSync(path.join(fixtures, 'apache2.service'), 'utf8'), 'apache2.service');
  assert.equal(u.sections(), ['Unit', 'Service', 'Install']);
  assert.is(u.get('Service', 'Type'), 'forking');
  assert.is(u.get('Service', 'ExecReload'), '/usr/sbin/apachectl graceful');
  assert.is(u.get('Service', 'Nope'), undefined);
  assert.is(u.entries('Unit')[0]!.line, 2);
});

test('repeated keys keep their order; an empty assignment resets the list', () => {
  const u = parseUnitFile('[Service]\nExecStartPre=/bin/a\nExecStartPre=/bin/b\nExecStartPre=\nExecStartPre=/bin/c\nExecStartPre=/bin/d\n');
  assert.equal(u.getAll('Service', 'ExecStartPre'), ['/bin/c', '/bin/d']);
  assert.is(u.get('Service', 'ExecStartPre'), '/bin/d');
  assert.is(parseUnitFile('[Service]\nUser=x\nUser=\n').get('Service', 'User'), undefined);
});

test('a value with a semicolon stays whole; # and ; comment only at the start of a line', () => {
  const u = parseUnitFile('[Service]\nExecStart=/usr/bin/x --opt="a;b" # not a comment\n; comment\n# comment\n');
  assert.is(u.get('Service', 'ExecStart'), '/usr/bin/x --opt="a;b" # not a comment');
  assert.is(u.entries('Service').length, 1);
});

test('continuation lines are joined; comment lines inside them are skipped', () => {
  const u = parseUnitFile('[Service]\nExecStart=/bin/a \\\n  --b \\\n# skipped\n  --c\n');
  assert.is(u.get('Service', 'ExecStart'), '/bin/a --b --c');
});

test('set, add, unset, removeSection, clone', () => {
  const u = parseUnitFile('[Unit]\nDescription=x\n[Service]\nEnvironment=A=1\nExecStart=/bin/x\nEnvironment=B=2\n\n[Install]\nWantedBy=multi-user.target\n');
  const c = u.clone();
  u.set('Service', 'Environment', 'C=3');
  assert.equal(u.getAll('Service', 'Environment'), ['C=3']);
  u.add('Service', 'Environment', 'D=4');
  assert.equal(u.getAll('Service', 'Environment'), ['C=3', 'D=4']);
  u.add('Service', 'PrivateTmp', 'yes');
  u.unset('Service', 'ExecStart');
  u.removeSection('Install');
  assert.is(serializeUnitFile(u), '[Unit]\nDescription=x\n[Service]\nEnvironment=C=3\nEnvironment=D=4\nPrivateTmp=yes\n\n');
  assert.equal(c.getAll('Service', 'Environment'), ['A=1', 'B=2']);
  assert.equal(c.sections(), ['Unit', 'Service', 'Install']);
});

test('errors name file:line and what is wrong', () => {
  const cases: [string, RegExp][] = [
    ['Description=x\n', /^f\.service:1: assignment outside of a section/],
    ['[Unit]\nDescription\n', /^f\.service:2: missing '='/],
    ['[Unit\n', /^f\.service:1: malformed section header/],
    ['[Unit]\nbad key=x\n', /^f\.service:2: invalid key 'bad key'/],
  ];
  for (const [text, re] of cases) {
    try {
      parseUnitFile(text, 'f.service');
      assert.unreachable(text);
    } catch (e) {
      assert.instance(e, SandboxError);
      assert.match((e as Error).message, re);
    }
  }
});

test('splitExecLine: prefixes, quotes, escapes', () => {
  assert.equal(splitExecLine('-/usr/bin/x a b'), { flags: ['-'], argv: ['/usr/bin/x', 'a', 'b'] });
  assert.equal(splitExecLine('+@/bin/sh sh -c "echo a; b"'), { flags: ['+', '@'], argv: ['/bin/sh', 'sh', '-c', 'echo a; b'] });
  assert.equal(splitExecLine("!!/bin/x 'single quoted' a\\ b"), { flags: ['!!'], argv: ['/bin/x', 'single quoted', 'a b'] });
  assert.equal(splitExecLine(':/bin/x "a\\"b"'), { flags: [':'], argv: ['/bin/x', 'a"b'] });
});

test('unitNameParts', () => {
  assert.equal(unitNameParts('apache2.service'), { prefix: 'apache2', type: 'service' });
  assert.equal(unitNameParts('apache2@.service'), { prefix: 'apache2', instance: '', type: 'service' });
  assert.equal(unitNameParts('apache2@x.service'), { prefix: 'apache2', instance: 'x', type: 'service' });
});

test('sandbox names: systemd instance names that are also safe file names', () => {
  for (const ok of ['apache1', 'web-1.a_b', 'a'.repeat(64), '0x']) assert.ok(isValidInstanceName(ok), ok);
  for (const bad of ['../x', 'a/b', '-rf', 'a@b', '', 'a'.repeat(65), 'é', '.hidden', 'a..b', 'a b', 'a\nb']) assert.not.ok(isValidInstanceName(bad), JSON.stringify(bad));
});

test.run();
