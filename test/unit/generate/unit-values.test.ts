// Issue 19 item 2: values from outside written into units the way systemd 252
// parses each setting (the integration test unit-values proves BindPaths= on a
// real systemd), and what no quoting carries refused with a usage error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../../src/errors.js';
import { bindPathItem, checkContextValue, execArgument } from '../../../src/generate/unit-values.js';
import { renderDropIn, runtimeDirCommand } from '../../../src/generate/units.js';
import { planCreate, PROBE_LABEL } from '../../../src/create/plan.js';
import type { CreateFacts } from '../../../src/create/gather.js';
import { parseUnitFile } from '../../../src/unitfile/index.js';

const usage = (fn: () => unknown, what: RegExp) => assert.throws(fn, (e: unknown) => e instanceof UsageError && what.test((e as Error).message) && !(e as Error).message.includes('\n'));

test('BindPaths= items: space, colon and backslash get a backslash, quotes the other quote, % doubles', () => {
  assert.is(bindPathItem('path', '/t/etc/a b', '/etc/a b'), '/t/etc/a\\ b:/etc/a\\ b');
  assert.is(bindPathItem('path', '/t/etc/a:b', '/etc/a:b'), '/t/etc/a\\:b:/etc/a\\:b');
  assert.is(bindPathItem('path', '/t/etc/a\\b', '/etc/a\\b'), '/t/etc/a\\\\b:/etc/a\\\\b');
  assert.is(bindPathItem('path', `/e/it's "x"`, '/e/%i'), `/e/it"'"s\\ '"'x'"':/e/%%i`);
  assert.is(bindPathItem('path', '/etc/plain-1.0_x', '/etc/plain-1.0_x'), '/etc/plain-1.0_x:/etc/plain-1.0_x');
});

test('newline, tab, other control characters and non-UTF-8 are refused, naming the value on one line', () => {
  for (const bad of ['/etc/a\nExecStartPre=+/usr/bin/touch /root/pwned', '/etc/a\tb', '/etc/a\rb', '/etc/a\x00b', '/etc/a\x7fb', '/etc/a\x1bb']) {
    usage(() => bindPathItem('path', bad, bad), /^path ".*": has a control character/);
    usage(() => execArgument('runtime directory', bad), /^runtime directory ".*": has a control character/);
  }
  usage(() => bindPathItem('path', '/etc/a\udcffb', '/etc/a\udcffb'), /is not UTF-8/);
  usage(() => bindPathItem('path', '/etc/a\ufffdb', '/etc/a\ufffdb'), /is not UTF-8/);
  usage(() => bindPathItem('path', 'etc/a', '/etc/a'), /not an absolute path/);
  // A real character outside the BMP is UTF-8 and fine.
  assert.is(bindPathItem('path', '/etc/\u{1F600}', '/etc/\u{1F600}'), '/etc/\u{1F600}:/etc/\u{1F600}');
});

test('Exec arguments: a plain path stays as it is, anything else is quoted with \\, ", % and $ escaped', () => {
  assert.is(execArgument('a', 'httpd/sub_dir-1.0'), 'httpd/sub_dir-1.0');
  assert.is(execArgument('a', 'a%b'), 'a%%b');
  assert.is(execArgument('a', 'a b'), '"a b"');
  assert.is(execArgument('a', 'a"b\\c$D%e;'), '"a\\"b\\\\c$$D%%e;"');
  assert.is(runtimeDirCommand({ path: '/run/my dir', mode: 0o755, uid: 0, gid: 0 }), '!/usr/bin/install -d -m 0755 -o 0 -g 0 "/run/my dir"');
  usage(() => runtimeDirCommand({ path: '/run/x\nExecStartPre=+/bin/sh', mode: 0o755, uid: 0, gid: 0 }), /^runtime directory "\/run\/x\\nExecStartPre=\+\/bin\/sh": has a control character/);
});

test('SELinuxContext= takes a context and nothing else', () => {
  assert.is(checkContextValue('label', 'system_u:system_r:container_t:s0:c1,c2'), 'system_u:system_r:container_t:s0:c1,c2');
  for (const bad of ['system_u:system_r:container_t:s0:c1,c2\nExecStartPre=+/bin/sh', 'a b:r:t:s0:c1,c2', 'u:r:t', 'u:r:t:s0:c1,c2 x']) {
    usage(() => checkContextValue('label', bad), /^label ".*": not an SELinux context/);
  }
});

test('the drop-in binds an odd path as one item; a newline in a package path stops the plan', () => {
  const s = { unit: 'x.service', source: '/usr/lib/systemd/system/x.service', vendorTemplate: false, unitDir: '/etc/systemd/system', stateDir: '/var/lib/sandbox', version: 't' };
  const i = { name: 'n', processContext: 'system_u:system_r:container_t:s0:c1,c2', network: 'none' as const, boundPaths: ['/etc/x y:z'], tree: '/var/lib/sandbox/n' };
  const drop = parseUnitFile(renderDropIn(s, i));
  assert.equal(drop.getAll('Service', 'BindPaths'), ['/var/lib/sandbox/n/etc/x\\ y\\:z:/etc/x\\ y\\:z']);

  const facts: CreateFacts = {
    units: [{ name: 'x.service', source: s.source, vendorTemplate: false, unit: parseUnitFile('[Service]\nExecStart=/usr/bin/x\n') } as CreateFacts['units'][number]],
    packages: [{ manager: 'rpm', name: 'x', version: '1-1' }],
    packageFiles: [
      { path: '/etc/x', type: 'dir', owner: 'x' },
      { path: '/etc/x-evil\nExecStartPre=+/usr/bin/touch /root/pwned', type: 'file', owner: 'x' },
    ],
    unitDirs: [],
    unitOwner: { uid: 0, gid: 0 },
    copy: [],
    runtimeDirs: [],
    vendorNotes: [],
  };
  const req = { name: 'n', units: ['x.service'], packages: [], copy: [], exclude: [], network: 'none' as const, security: { kind: 'dynamic' as const }, profile: 'default' as const, allowDbus: false, publish: [], limits: {} };
  const ctx = { version: 't', now: new Date(0), extraSharedDirs: [] };
  usage(() => planCreate(req, facts, PROBE_LABEL, ctx), /^path "\/etc\/x-evil\\nExecStartPre=\+\/usr\/bin\/touch \/root\/pwned": has a control character/);
  usage(() => planCreate(req, { ...facts, packageFiles: facts.packageFiles.slice(0, 1), runtimeDirs: [{ path: '/run/x\ny', mode: 0o755, uid: 0, gid: 0 }] }, PROBE_LABEL, ctx), /^runtime directory/);
  planCreate(req, { ...facts, packageFiles: facts.packageFiles.slice(0, 1) }, PROBE_LABEL, ctx);
});

test.run();
