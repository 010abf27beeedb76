// The facts a service's needs are read from, each parsed on its own: tmpfiles.d
// lines, logrotate.d entries, the package → source table, and the owner rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTmpfiles, tmpfilesOf } from '../../../src/needs/tmpfiles.js';
import { parseLogrotate } from '../../../src/needs/logrotate.js';
import { parseSourceTable, siblingsOf } from '../../../src/needs/siblings.js';
import { ownedState, serviceUsers } from '../../../src/needs/maintainer-state.js';

test('tmpfiles.d: type without modifiers, octal mode, owner; "-" fields, specifiers and comments left out', () => {
  const text = '# comment\n\nd /run/haproxy 2775 haproxy haproxy -\nD! /run/tinyproxy/ 0750 tinyproxy tinyproxy -\nd /var/log/postgresql 1775 root postgres - -\nd /run/plain\nd %t/user 0700 - - -\nf+ /var/log/x.log ~0640 - adm\n';
  assert.equal(parseTmpfiles(text, '/usr/lib/tmpfiles.d/z.conf'), [
    { type: 'd', path: '/run/haproxy', mode: 0o2775, user: 'haproxy', group: 'haproxy', where: '/usr/lib/tmpfiles.d/z.conf:3' },
    { type: 'D', path: '/run/tinyproxy', mode: 0o750, user: 'tinyproxy', group: 'tinyproxy', where: '/usr/lib/tmpfiles.d/z.conf:4' },
    { type: 'd', path: '/var/log/postgresql', mode: 0o1775, user: 'root', group: 'postgres', where: '/usr/lib/tmpfiles.d/z.conf:5' },
    { type: 'd', path: '/run/plain', where: '/usr/lib/tmpfiles.d/z.conf:6' },
    { type: 'f', path: '/var/log/x.log', mode: 0o640, group: 'adm', where: '/usr/lib/tmpfiles.d/z.conf:8' },
  ]);
});

test("tmpfiles.d: the package's own files among what it lists, in every tmpfiles.d directory, not below them", () => {
  const listed = ['/usr/lib/tmpfiles.d', '/usr/lib/tmpfiles.d/haproxy.conf', '/etc/tmpfiles.d/x.conf', '/usr/lib/tmpfiles.d/sub/y.conf', '/usr/lib/tmpfiles.d/readme', '/etc/haproxy/haproxy.cfg'];
  assert.equal(tmpfilesOf(listed), ['/usr/lib/tmpfiles.d/haproxy.conf', '/etc/tmpfiles.d/x.conf']);
});

test('logrotate.d: paths before each "{" (on their line or the one before), with the block\'s "create"; scripts skipped', () => {
  const text = '/var/log/vsftpd.log\n{\n\tcreate 640 root adm\n\tmissingok\n}\n/var/log/php8.2-fpm.log /var/log/other.log {\n\trotate 12\n\tpostrotate\n\t\t/usr/lib/x { not a path }\n\tendscript\n}\n# /var/log/commented.log {\n/var/log/samba/log.smbd {\n\tcreate 0600\n}\n';
  assert.equal(parseLogrotate(text, '/etc/logrotate.d/z'), [
    { path: '/var/log/vsftpd.log', mode: 0o640, user: 'root', group: 'adm', where: '/etc/logrotate.d/z:1' },
    { path: '/var/log/php8.2-fpm.log', where: '/etc/logrotate.d/z:6' },
    { path: '/var/log/other.log', where: '/etc/logrotate.d/z:6' },
    { path: '/var/log/samba/log.smbd', mode: 0o600, where: '/etc/logrotate.d/z:13' },
  ]);
});

test('sibling packages: same source, the package itself left out; arch suffix and source version dropped; no source = own name', () => {
  const table = parseSourceTable('samba\tsamba\nsamba-common\tsamba\nlibwbclient0:amd64\tsamba (2:4.17.12)\nhaproxy\t\ncurl\tcurl\n');
  assert.equal(siblingsOf(table, 'samba'), ['libwbclient0', 'samba-common']);
  assert.equal(siblingsOf(table, 'haproxy'), []);
  assert.equal(siblingsOf(table, 'not-installed'), []);
});

test("maintainer-made state: what a service's system user owns is its own; root, people and strangers are not", () => {
  const users = serviceUsers([
    { uid: 0, name: 'root', why: 'User= of x.service' },
    { uid: 102, name: 'mysql', why: 'User= of mariadb.service' },
    { uid: 102, name: 'mysql', why: 'owner of /var/log/mysql' },
    { uid: 1000, name: 'alice', why: 'owner of /etc/x' },
  ]);
  assert.equal([...users.keys()], [102]);
  const found = ownedState(
    [
      { path: '/var/lib/mysql', uid: 102 },
      { path: '/var/lib/postgresql', uid: 101 },
      { path: '/var/lib/dpkg', uid: 0 },
      { path: '/var/cache/alice', uid: 1000 },
    ],
    users,
  );
  assert.equal(found, [{ path: '/var/lib/mysql', reason: "owned by mysql, the service's user (User= of mariadb.service); made by a maintainer script, in no file list" }]);
});

test.run();
