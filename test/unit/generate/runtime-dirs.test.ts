// A package's own /run directories (Fedora's /run/httpd, made by tmpfiles.d on
// the host) are made again in the sandbox's private /run before anything else
// runs: by a '!' command, inside the sandbox, never as host root on a path the
// sandbox can write (a symlink planted there would turn it against the host).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderService, runtimeDirCommand } from '../../../src/generate/units.js';
import { parseUnitFile } from '../../../src/unitfile/index.js';

const facts = {
  unit: 'httpd.service',
  source: '/usr/lib/systemd/system/httpd.service',
  vendorTemplate: true,
  unitDir: '/etc/systemd/system',
  stateDir: '/var/lib/sandbox',
  version: '0.0.0-test',
  runtimeDirs: [
    { path: '/run/httpd', mode: 0o710, uid: 0, gid: 48 },
    { path: '/run/httpd/htcacheclean', mode: 0o700, uid: 48, gid: 48 },
  ],
};

test("runtimeDirCommand: install -d with the host mode and owner, run inside the sandbox ('!'), on its private /run", () => {
  assert.is(runtimeDirCommand(facts.runtimeDirs[0]!), '!/usr/bin/install -d -m 0710 -o 0 -g 48 /run/httpd');
  assert.is(runtimeDirCommand({ path: '/run/a%b', mode: 0o1777, uid: 1, gid: 2 }), '!/usr/bin/install -d -m 1777 -o 1 -g 2 /run/a%%b');
});

test("the directories are made before the service's own ExecStartPre=, parents first", () => {
  const original = parseUnitFile('[Unit]\nDescription=httpd\n[Service]\nType=notify\nExecStartPre=/usr/bin/check\nExecStart=/usr/sbin/httpd -DFOREGROUND\n');
  const out = parseUnitFile(renderService(original, facts));
  assert.equal(out.getAll('Service', 'ExecStartPre'), [
    '!/usr/bin/install -d -m 0710 -o 0 -g 48 /run/httpd',
    '!/usr/bin/install -d -m 0700 -o 48 -g 48 /run/httpd/htcacheclean',
    '/usr/bin/check',
  ]);
});

test('setuid/setgid bits are left out (RestrictSUIDSGID= refuses them and install fails); the sticky bit stays', () => {
  assert.is(runtimeDirCommand({ path: '/run/haproxy', mode: 0o2775, uid: 109, gid: 114 }), '!/usr/bin/install -d -m 0775 -o 109 -g 114 /run/haproxy');
  assert.is(runtimeDirCommand({ path: '/run/x', mode: 0o5755, uid: 0, gid: 0 }), '!/usr/bin/install -d -m 1755 -o 0 -g 0 /run/x');
});

test('$RUNTIME_DIRECTORY names the vendor\'s directories as the service sees them (/run/x), not the host\'s /run/sandbox/NAME/x', () => {
  const pdns = parseUnitFile('[Service]\nRuntimeDirectory=pdns\nExecStart=/usr/sbin/pdns_server\n');
  const out = parseUnitFile(renderService(pdns, facts));
  assert.equal(out.getAll('Service', 'RuntimeDirectory'), ['sandbox/%i/pdns', 'sandbox/%i sandbox/%i/lock']);
  assert.equal(out.getAll('Service', 'Environment'), ['RUNTIME_DIRECTORY=/run/pdns']);
  const two = parseUnitFile('[Service]\nRuntimeDirectory=a b\nRuntimeDirectory=\nRuntimeDirectory=c/d\nExecStart=/x\n');
  assert.equal(parseUnitFile(renderService(two, facts)).getAll('Service', 'Environment'), ['RUNTIME_DIRECTORY=/run/c/d']);
  const none = parseUnitFile(renderService(parseUnitFile('[Service]\nExecStart=/x\n'), facts));
  assert.equal([none.getAll('Service', 'Environment'), none.getAll('Service', 'UnsetEnvironment')], [[], ['RUNTIME_DIRECTORY']]);
});

test('no runtime directories: the unit is left as it was', () => {
  const original = parseUnitFile('[Service]\nExecStartPre=/usr/bin/check\nExecStart=/usr/sbin/x\n');
  const out = parseUnitFile(renderService(original, { ...facts, runtimeDirs: [] }));
  assert.equal(out.getAll('Service', 'ExecStartPre'), ['/usr/bin/check']);
});

test.run();
