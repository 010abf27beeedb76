// Instance units and umbrella units (issue 18): postgresql@15-main.service is
// read from its template with %i/%I resolved; postgresql.service (ExecStart=/bin/true)
// is recognised and its workers named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseUnitFile, serializeUnitFile } from '../../../src/unitfile/index.js';
import { resolveInstance, unescapeInstance } from '../../../src/unitfile/instances.js';
import { isUmbrella, umbrellaMessage, workerServices } from '../../../src/unitfile/umbrella.js';
import { normaliseUnitName } from '../../../src/create/resolve-unit.js';
import { UsageError } from '../../../src/errors.js';

const PG = '[Unit]\nDescription=PostgreSQL Cluster %i\nPartOf=postgresql.service\n\n[Service]\nType=forking\nExecStart=-/usr/bin/pg_ctlcluster --skip-systemctl-redirect %i start\nPIDFile=/run/postgresql/%i.pid\nEnvironment=DIR=%I X=%%i\nSyslogIdentifier=postgresql@%i\n';

test("an instance's %i and %I are resolved in every value; %% and other specifiers stay", () => {
  const u = resolveInstance(parseUnitFile(PG, 'postgresql@.service'), '15-main');
  assert.is(u.get('Unit', 'Description'), 'PostgreSQL Cluster 15-main');
  assert.is(u.get('Service', 'ExecStart'), '-/usr/bin/pg_ctlcluster --skip-systemctl-redirect 15-main start');
  assert.is(u.get('Service', 'Environment'), 'DIR=15/main X=%%i');
  assert.is(u.get('Service', 'PIDFile'), '/run/postgresql/15-main.pid');
  assert.match(serializeUnitFile(u), /^Type=forking$/m);
});

test('%I unescapes: "-" is "/", \\x2d is "-"; postfix@-.service\'s instance "-" is "/"', () => {
  assert.is(unescapeInstance('15-main'), '15/main');
  assert.is(unescapeInstance('a\\x2db'), 'a-b');
  assert.is(unescapeInstance('-'), '/');
  const u = resolveInstance(parseUnitFile('[Service]\nExecStart=/usr/sbin/postmulti -i %i -p start\n', 'postfix@.service'), '-');
  assert.is(u.get('Service', 'ExecStart'), '/usr/sbin/postmulti -i - -p start');
});

test('create -u takes a plain service or an instance, never a template', () => {
  assert.is(normaliseUnitName('postgresql@15-main.service'), 'postgresql@15-main.service');
  assert.is(normaliseUnitName('postfix@-'), 'postfix@-.service');
  assert.is(normaliseUnitName('apache2'), 'apache2.service');
  for (const bad of ['postgresql@.service', '@x.service', 'a@b@c.service']) {
    assert.throws(() => normaliseUnitName(bad), (e: unknown) => e instanceof UsageError && /template unit; give one of its instances/.test((e as Error).message), bad);
  }
});

test('an umbrella is a oneshot that runs only /bin/true (or nothing); a real service, or a simple one running /bin/true, is not one', () => {
  assert.not.ok(isUmbrella(parseUnitFile('[Service]\nExecStart=/usr/bin/true\n')));
  assert.ok(isUmbrella(parseUnitFile('[Service]\nType=oneshot\nExecStart=/bin/true\nExecReload=/bin/true\nRemainAfterExit=on\n')));
  assert.ok(isUmbrella(parseUnitFile('[Service]\nType=oneshot\nExecStart=-/usr/bin/true\n')));
  assert.ok(isUmbrella(parseUnitFile('[Service]\nType=oneshot\nRemainAfterExit=yes\n')));
  assert.not.ok(isUmbrella(parseUnitFile('[Service]\nType=oneshot\nExecStart=/usr/sbin/apachectl start\n')));
  assert.not.ok(isUmbrella(parseUnitFile('[Service]\nType=oneshot\nExecStartPre=/bin/true\nExecStart=/usr/bin/truecrypt\n')));
  assert.not.ok(isUmbrella(parseUnitFile('[Service]\nType=oneshot\nExecStart=/bin/true\nExecStart=/usr/sbin/daemon\n')));
});

test("an umbrella's workers: services only, itself and templates left out; the message names them", () => {
  const w = workerServices(['postgresql@15-main.service', 'postgresql.service', 'postgresql@.service', 'multi-user.target', 'postgresql@15-main.service'], 'postgresql.service');
  assert.equal(w, ['postgresql@15-main.service']);
  assert.is(
    umbrellaMessage('postgresql.service', w),
    'postgresql.service runs nothing itself (its ExecStart= is /bin/true): it only starts and stops other units; sandbox the one that runs the daemon: postgresql@15-main.service (e.g. sandbox create -u postgresql@15-main.service NAME)',
  );
  assert.match(umbrellaMessage('postfix.service', []), /sandbox the unit that runs the daemon \(often postfix@INSTANCE\.service\)$/);
});

test.run();
