// What a service needs beyond its file list, found on a fixture root with a
// real dpkg database (dpkg-query --root): a daemon package "zoo-daemon" and
// its sibling "zoo-common" (both built from source "zoo"), an unrelated
// "other", a tmpfiles.d file, a logrotate.d entry, users in /etc/passwd and
// directories as a maintainer script would leave them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePaths } from '../../../src/paths.js';
import { dpkgManager } from '../../../src/packages/dpkg.js';
import { gatherNeeds, type Needs } from '../../../src/needs/gather-needs.js';
import { ownersOfUnit } from '../../../src/needs/unit-package.js';
import { parseUnitFile } from '../../../src/unitfile/index.js';
import { planPayload } from '../../../src/payload/rules.js';

let root = '';
let needs: Needs;

const stanza = (pkg: string, source?: string) =>
  `Package: ${pkg}\nStatus: install ok installed\nArchitecture: all\n${source ? `Source: ${source}\n` : ''}Version: 1.0\nMaintainer: t <t@example.org>\nDescription: fixture\n`;

const LISTS: Record<string, string[]> = {
  'zoo-daemon': ['/etc', '/etc/zoo', '/etc/zoo/zoo.conf', '/etc/init.d', '/etc/init.d/zoo', '/etc/logrotate.d', '/etc/logrotate.d/zoo', '/usr', '/usr/lib', '/usr/lib/tmpfiles.d', '/usr/lib/tmpfiles.d/zoo.conf'],
  'zoo-common': ['/var', '/var/log', '/var/log/zoo'],
  other: ['/var', '/var/lib', '/var/lib/other'],
};

async function put(p: string, content: string | undefined, uid = 0, gid = 0, mode = content === undefined ? 0o755 : 0o644): Promise<void> {
  const abs = path.join(root, p);
  await fs.mkdir(path.dirname(abs), { recursive: true });
  if (content === undefined) await fs.mkdir(abs, { recursive: true });
  else await fs.writeFile(abs, content);
  await fs.chown(abs, uid, gid);
  await fs.chmod(abs, mode);
}

test.before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-needs-'));
  const admin = path.join(root, 'var/lib/dpkg');
  await fs.mkdir(path.join(admin, 'info'), { recursive: true });
  await fs.writeFile(path.join(admin, 'status'), [stanza('zoo-daemon', 'zoo'), stanza('zoo-common', 'zoo (1.0)'), stanza('other')].join('\n'));
  for (const [pkg, list] of Object.entries(LISTS)) await fs.writeFile(path.join(admin, 'info', `${pkg}.list`), ['/.', ...list].join('\n') + '\n');
  await put('/etc/passwd', 'root:x:0:0::/root:/bin/sh\nzoo:x:150:150::/var/lib/zoo-data:/bin/false\nstranger:x:151:151::/:/bin/false\nalice:x:1000:1000::/home/alice:/bin/sh\n');
  await put('/etc/group', 'root:x:0:\nadm:x:4:\nzoo:x:150:\nstranger:x:151:\n');
  await put('/usr/lib/tmpfiles.d/zoo.conf', '# zoo\nd /run/zoo 2775 zoo zoo -\nD /var/run/zoo/tmp 0750 zoo zoo -\nd /var/cache/zoo-spool 0750 zoo zoo -\nd /run/ghost 0755 nosuchuser - -\nd %t/zoo-user 0700 - - -\n');
  await put('/etc/logrotate.d/zoo', '/var/log/zoo.log {\n\tcreate 640 root adm\n}\n/var/log/zoo/*.log {\n\tweekly\n}\n');
  await put('/etc/zoo', undefined);
  await put('/etc/zoo/zoo.conf', 'x=1\n');
  await put('/etc/init.d/zoo', '#!/bin/sh\n', 0, 0, 0o755);
  await put('/var/log/zoo', undefined, 150, 4);
  await put('/var/lib/zoo-data', undefined, 150, 150, 0o700); // made by the postinst, in no list
  await put('/var/lib/stranger', undefined, 151, 151);
  await put('/var/lib/rootdir', undefined);
  await put('/var/cache/alice', undefined, 1000, 1000);
  const paths = makePaths(root);
  const listed = Object.values(LISTS).slice(0, 1).flat();
  needs = await gatherNeeds(paths, {
    managers: [dpkgManager(paths)],
    packages: [{ manager: 'dpkg', name: 'zoo-daemon' }],
    listed,
    unitUser: { uid: 0, gid: 0, name: 'root', unit: 'zoo.service' },
  });
});
test.after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const reasons = (n: Needs) => n.found.map((f) => [f.path, f.reason]);

test("a sibling package's files come with their owner named; an unrelated package's do not", () => {
  assert.equal(
    needs.siblingFiles.map((f) => [f.path, f.type, f.owner]),
    [
      ['/var/log', 'dir', 'zoo-common (built from zoo, like zoo-daemon)'],
      ['/var/log/zoo', 'dir', 'zoo-common (built from zoo, like zoo-daemon)'],
    ],
  );
});

test("tmpfiles.d: /run directories (as /run, not /var/run) with the line's mode and owner; a line for an unknown user or with a specifier is left out", () => {
  assert.equal(needs.runtimeDirs, [
    { path: '/run/zoo', mode: 0o2775, uid: 150, gid: 150 },
    { path: '/run/zoo/tmp', mode: 0o750, uid: 150, gid: 150 },
  ]);
});

test('tmpfiles.d, logrotate.d and the owner rule each give /var paths with a reason; strangers, root and people are not taken', () => {
  const owned = "owned by zoo, the service's user (user of /usr/lib/tmpfiles.d/zoo.conf:2); made by a maintainer script, in no file list";
  assert.equal(reasons(needs), [
    ['/var/cache/zoo-spool', 'made at boot by tmpfiles.d (/usr/lib/tmpfiles.d/zoo.conf:4)'],
    ['/var/log/zoo.log', 'log file named in /etc/logrotate.d/zoo:1'],
    ['/var/log/zoo', 'directory of the log files named in /etc/logrotate.d/zoo:4'],
    ['/var/lib/zoo-data', owned],
    ['/var/log/zoo', owned],
  ]);
  const log = needs.found.find((f) => f.path === '/var/log/zoo.log')!;
  assert.equal([log.type, log.file, log.makeAs], ['missing', true, { uid: 0, gid: 4, mode: 0o640 }]);
  assert.is(needs.found.find((f) => f.path === '/var/cache/zoo-spool')!.type, 'missing');
  assert.is(needs.found.find((f) => f.path === '/var/lib/zoo-data')!.type, 'dir');
});

test('the payload rule copies what exists (whole), makes what does not (a log file as a file, with its owner), and says why', () => {
  const plan = planPayload({ packageFiles: needs.siblingFiles, unitDirs: needs.found });
  assert.equal(
    plan.entries.map((e) => [e.path, e.how]),
    [
      ['/var/lib/zoo-data', 'whole'],
      ['/var/log/zoo', 'whole'],
    ],
  );
  assert.match(plan.entries.find((e) => e.path === '/var/log/zoo')!.reason, /^zoo-common \(built from zoo, like zoo-daemon\): the service's own directory .*; directory of the log files named in .*; owned by zoo/);
  assert.equal(plan.toCreate, [
    { path: '/var/cache/zoo-spool', reason: 'made at boot by tmpfiles.d (/usr/lib/tmpfiles.d/zoo.conf:4); absent on the host', owner: { uid: 150, gid: 150, mode: 0o750 } },
    { path: '/var/log/zoo.log', reason: 'log file named in /etc/logrotate.d/zoo:1; absent on the host', file: true, owner: { uid: 0, gid: 4, mode: 0o640 } },
  ]);
});

test("a unit generated from an init.d script is in no package: its SourcePath= names the script, whose package is found", async () => {
  const paths = makePaths(root);
  const text = '[Unit]\nSourcePath=/etc/init.d/zoo\n[Service]\nType=forking\nExecStart=/etc/init.d/zoo start\n';
  const u = { name: 'zoo.service', source: '/run/systemd/generator.late/zoo.service', unit: parseUnitFile(text), vendorTemplate: false };
  assert.equal((await ownersOfUnit(paths, u, [dpkgManager(paths)])).map((o) => o.package), ['zoo-daemon']);
  const without = { ...u, unit: parseUnitFile('[Service]\nExecStart=/etc/init.d/zoo start\n') };
  assert.equal(await ownersOfUnit(paths, without, [dpkgManager(paths)]), []);
});

test.run();
