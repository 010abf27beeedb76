// The Landlock helper in front of the commands that start a sandbox's service:
// prefixes kept in front of it, '@' turned into --argv0, signals scoped; the
// commands that act on the running service are left as they are.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { landlockCommand, wrapCommands } from '../../../src/generate/landlock.js';
import { parseUnitFile, serializeUnitFile } from '../../../src/unitfile/index.js';

const H = '/usr/libexec/sandbox/sandbox-landlock';

test('prefixes stay in front of the helper; the command is left as written', () => {
  assert.is(landlockCommand('/usr/sbin/apachectl start', 'ExecStart', H), `${H} --signals -- /usr/sbin/apachectl start`);
  assert.is(landlockCommand('-!/usr/bin/install -d /run/x', 'ExecStartPre', H), `-!${H} --signals -- /usr/bin/install -d /run/x`);
  assert.is(landlockCommand(':/bin/echo $NOT_EXPANDED "a b"', 'ExecStart', H), `:${H} --signals -- /bin/echo $NOT_EXPANDED "a b"`);
});

test('ExecStartPost, ExecReload, ExecStop and ExecStopPost act on the running service: left as they are', () => {
  for (const key of ['ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost']) {
    assert.is(landlockCommand('/bin/kill -HUP $MAINPID', key, H), '/bin/kill -HUP $MAINPID', key);
  }
  for (const key of ['ExecCondition', 'ExecStartPre', 'ExecStart']) assert.ok(landlockCommand('/bin/true', key, H).includes(' --signals -- '), key);
});

test("'@' becomes --argv0: the helper passes the name systemd would have", () => {
  assert.is(landlockCommand('-@/usr/sbin/sendmail sendmail-mta -bd', 'ExecStart', H), `-${H} --signals --argv0 sendmail-mta -- /usr/sbin/sendmail -bd`);
  assert.throws(() => landlockCommand('@/usr/sbin/lonely', 'ExecStart', H), /'@' needs a program and its argv\[0\]/);
});

test('the start commands of [Service] are wrapped where they stand; other lines and empty resets are untouched', () => {
  const u = parseUnitFile('[Unit]\nDescription=x\n[Service]\nExecStartPre=/bin/a\nUser=x\nExecStart=\nExecStart=/bin/b\nExecReload=/bin/c\nEnvironment=E=1\n', 'x.service');
  wrapCommands(u, H);
  assert.is(
    serializeUnitFile(u),
    `[Unit]\nDescription=x\n[Service]\nExecStartPre=${H} --signals -- /bin/a\nUser=x\nExecStart=\nExecStart=${H} --signals -- /bin/b\nExecReload=/bin/c\nEnvironment=E=1\nSyslogIdentifier=b\n`,
  );
});

test("the journal names the output after the vendor's main program, not the helper, unless the vendor named it", () => {
  const plain = parseUnitFile('[Service]\nExecStart=-/usr/sbin/apachectl start\n', 'a.service');
  wrapCommands(plain, H);
  assert.is(plain.get('Service', 'SyslogIdentifier'), 'apachectl');
  const named = parseUnitFile('[Service]\nSyslogIdentifier=web\nExecStart=/usr/sbin/apachectl start\n', 'a.service');
  wrapCommands(named, H);
  assert.equal(named.getAll('Service', 'SyslogIdentifier'), ['web']);
});

test.run();
