// sandbox upgrade with real package versions: the sbxup Debian package
// (test/fixtures/deb/build.ts) at 1.0, then 2.0 and 3.0 installed with dpkg -i
// into the throwaway host. 2.0 changes a line the admin did not touch (clean
// merge) and one the admin changed too (conflict), adds files and changes its
// unit; 3.0's service dies after it starts, which rolls the upgrade back.
// Everything is checked from outside: the tree's files, systemctl show, labels.
import type { Change } from '../../src/apply/change.js';
import { formatChange } from '../../src/output/changes.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSbxupDeb } from '../fixtures/deb/build.js';
import { buildFixtureRpm, buildFixtureRpmUpdate } from '../fixtures/rpm/build.js';
import { CLI, bootSandboxHost, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
let work: string;
const debs: string[] = [];
const rpms: string[] = [];
const unit = (n: string) => `sbxup@${n}.service`;
const tree = (n: string, p: string) => `/var/lib/sandbox/${n}${p}`;
const cat = (p: string) => h.ok(`cat ${p}`);
const label = async (p: string) => (await h.ok(`getfattr -h --only-values -n security.selinux ${p}`)).replace(/\0$/, '');
const fileContext = async (n: string) => /^fileContext=(.*)$/m.exec(await cat(`/etc/sandbox/${n}.sandbox`))![1]!;
const install = (v: number) => h.ok(`dpkg -i --force-confnew ${debs[v - 1]} >/dev/null && systemctl daemon-reload`);

test.before(async () => {
  work = mkdtempSync('/var/tmp/sbx-deb-fixture-');
  for (const v of [1, 2, 3] as const) debs.push(await buildSbxupDeb(v, work));
  rpms.push(await buildFixtureRpm(`${work}/rpm-1.0`), await buildFixtureRpmUpdate(work));
  h = await bootSandboxHost('upgrade-test', [work]);
  await install(1);
  await h.ok(`rpm -i --nodeps ${rpms[0]} && systemctl daemon-reload`);
});
test.after(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('two sandboxes made at 1.0 record the version and keep a base outside their trees; --check: up to date', async () => {
  for (const n of ['up1', 'up2']) assert.is((await h.sandbox('create', '-u', 'sbxup.service', n)).exitCode, 0);
  assert.match(await cat('/etc/sandbox/up1.sandbox'), /^packageVersions="sbxup=1\.0-1"$/m);
  assert.is(await cat('/var/lib/sandbox/.base/up1/etc/sbxup/sbxup.conf'), await cat('/etc/sbxup/sbxup.conf'));
  assert.is((await h.ok('stat -c %a /var/lib/sandbox/.base')).trim(), '700');
  // The admin's changes inside the sandboxes: up1 changes a line 2.0 also changes (COLOR=), up2 only MESSAGE=.
  await h.ok(`sed -i 's/^MESSAGE=.*/MESSAGE=admin1/' ${tree('up1', '/etc/sbxup/sbxup.conf')}`);
  await h.ok(`sed -i 's/^COLOR=.*/COLOR=red/' ${tree('up1', '/etc/sbxup/colors.conf')}`);
  await h.ok(`sed -i 's/^MESSAGE=.*/MESSAGE=admin2/' ${tree('up2', '/etc/sbxup/sbxup.conf')}`);
  assert.is((await h.sandbox('start', 'up1', 'up2')).exitCode, 0);
  const r = await h.sandbox('upgrade', '--check');
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^All 2 sandboxes are up to date/m);
});

test('sbxup 2.0 installed: --check lists both as behind (text and --json); --dry-run shows every file action and writes nothing', async () => {
  await install(2);
  const r = await h.sandbox('upgrade', '--check');
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^up1\s+behind: sbxup 1\.0-1 → 2\.0-1$/m);
  assert.match(r.stdout, /^up2\s+behind: sbxup 1\.0-1 → 2\.0-1$/m);
  const json = JSON.parse((await h.sandbox('upgrade', '--check', '--json')).stdout) as { name: string; behind: boolean; packages: { name: string; recorded: string; installed: string }[] }[];
  assert.equal(json.find((d) => d.name === 'up1')!.packages, [{ name: 'sbxup', recorded: '1.0-1', installed: '2.0-1' }]);
  assert.ok(json.every((d) => d.behind));

  const watched = '/var/lib/sandbox /etc/sandbox /etc/systemd/system';
  const before = await h.ok(`find ${watched} -printf '%p %s %T@\\n' | sort`);
  const dry = await h.sandbox('upgrade', '--dry-run', 'up1');
  assert.is(dry.exitCode, 0, dry.stderr);
  const t = tree('up1', '');
  assert.match(dry.stdout, `Merged the changes of /etc/sbxup/sbxup.conf into ${t}/etc/sbxup/sbxup.conf.`);
  assert.match(dry.stdout, `Conflict: ${t}/etc/sbxup/colors.conf is left as it is; the package's version (merged, with conflict markers) is in ${t}/etc/sbxup/colors.conf.sandbox-new.`);
  assert.match(dry.stdout, `Copied /etc/sbxup/extra.conf to ${t}/etc/sbxup/extra.conf.`);
  assert.match(dry.stdout, `Copied /etc/sbxup/conf.d/new.conf to ${t}/etc/sbxup/conf.d/new.conf.`);
  assert.match(dry.stdout, 'Written /etc/systemd/system/sbxup@.service.');
  // --json: the same changes, every one, as data (the human form above says each through the one formatter)
  const dryJson = JSON.parse((await h.sandbox('upgrade', '--dry-run', '--json', 'up1')).stdout) as { changes: Change[]; sandboxes: { name: string }[] };
  assert.equal(dryJson.sandboxes.map((s) => s.name), ['up1']);
  assert.ok(dryJson.changes.length >= 5);
  for (const c of dryJson.changes) assert.ok(dry.stdout.includes(formatChange(c)), formatChange(c));
  assert.is(await h.ok(`find ${watched} -printf '%p %s %T@\\n' | sort`), before, 'a dry run wrote something');
});

test('upgrade up1: the clean merge applied, the conflict left as colors.conf.sandbox-new, new files copied and labelled, the unit regenerated; not restarted; exit 4', async () => {
  const pid = await h.mainPid(unit('up1'));
  const r = await h.sandbox('upgrade', 'up1');
  assert.is(r.exitCode, 4, r.stdout + r.stderr);
  assert.match(r.stdout, /^Upgraded sandbox up1, but 1 file need merging by hand .*colors\.conf; not restarted\.$/m);
  const conf = await cat(tree('up1', '/etc/sbxup/sbxup.conf'));
  assert.match(conf, /^MESSAGE=admin1$/m);
  assert.match(conf, /^LEVEL=debug$/m);
  assert.is(await cat(tree('up1', '/etc/sbxup/colors.conf')), '# colors of sbxup\nCOLOR=red\n');
  const offered = await cat(tree('up1', '/etc/sbxup/colors.conf.sandbox-new'));
  assert.match(offered, /^<<<<<<< .*\n(.*\n)*COLOR=red\n(.*\n)*=======\nCOLOR=green\n>>>>>>> /m);
  assert.is(await cat(tree('up1', '/etc/sbxup/extra.conf')), await cat('/etc/sbxup/extra.conf'));
  assert.is(await cat(tree('up1', '/etc/sbxup/conf.d/new.conf')), await cat('/etc/sbxup/conf.d/new.conf'));
  const ctx = await fileContext('up1');
  for (const p of ['/etc/sbxup/sbxup.conf', '/etc/sbxup/colors.conf.sandbox-new', '/etc/sbxup/extra.conf', '/etc/sbxup/conf.d', '/etc/sbxup/conf.d/new.conf']) {
    assert.is(await label(tree('up1', p)), ctx, p);
  }
  assert.is((await h.ok(`systemctl show -p Description --value ${unit('up1')}`)).trim(), 'sbxup test service, version 2 (sandbox up1)');
  assert.match(await h.ok(`systemctl show -p Environment --value ${unit('up1')}`), /SBXUP_VERSION=2/);
  assert.is(await h.mainPid(unit('up1')), pid, 'restarted despite a conflict');
  assert.match(await cat('/etc/sandbox/up1.sandbox'), /^packageVersions="sbxup=2\.0-1"$/m);
  assert.is(await cat('/var/lib/sandbox/.base/up1/etc/sbxup/colors.conf'), await cat('/etc/sbxup/colors.conf'));
  assert.is((await h.exec(['test', '-e', '/var/lib/sandbox/.upgrading-up1'])).exitCode, 1);
});

test('upgrade up2 (no conflict): restarted, it runs the new unit with the merged config; --check no longer lists it', async () => {
  const pid = await h.mainPid(unit('up2'));
  const r = await h.sandbox('upgrade', 'up2');
  assert.is(r.exitCode, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^Upgraded sandbox up2 and restarted it\.$/m);
  assert.is.not(await h.mainPid(unit('up2')), pid);
  assert.is((await h.ok(`systemctl is-active ${unit('up2')}`)).trim(), 'active');
  assert.is(await h.ok(`for i in $(seq 50); do grep -q 'debug 2' ${tree('up2', '/var/lib/sbxup/state')} && break; sleep 0.1; done; cat ${tree('up2', '/var/lib/sbxup/state')}`), 'started admin2 debug 2\n');
  const check = await h.sandbox('upgrade', '--check');
  assert.not.match(check.stdout, /^up2\s/m);
  assert.match(check.stdout, /^All 2 sandboxes are up to date/m);
});

test('sbxup 3.0, whose service dies after it starts: the upgrade is rolled back (files, unit, record), it runs again, the command fails saying so', async () => {
  await install(3);
  const files = ['/etc/sbxup/sbxup.conf', '/etc/systemd/system/sbxup@.service', '/etc/sandbox/up2.sandbox'];
  const before = await Promise.all(files.map((f) => cat(f.startsWith('/etc/sbxup') ? tree('up2', f) : f)));
  const r = await h.sandbox('upgrade', 'up2');
  assert.is(r.exitCode, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^sandbox: sandbox 'up2': the upgrade was rolled back: sbxup@up2\.service did not come back after the restart; its files and units are as before the upgrade and it runs again as before$/m);
  const after = await Promise.all(files.map((f) => cat(f.startsWith('/etc/sbxup') ? tree('up2', f) : f)));
  assert.equal(after, before);
  assert.is((await h.ok(`systemctl is-active ${unit('up2')}`)).trim(), 'active');
  assert.not.match(await h.ok(`systemctl show -p Environment --value ${unit('up2')}`), /SBXUP_FAIL/);
  assert.is((await h.exec(['test', '-e', '/var/lib/sandbox/.upgrading-up2'])).exitCode, 1);
  assert.match((await h.sandbox('upgrade', '--check')).stdout, /^up2\s+behind: sbxup 2\.0-1 → 3\.0-1$/m);
});

test('killed (SIGKILL) once the files are in place: the next command rolls the upgrade back', async () => {
  const files = [tree('up2', '/etc/sbxup/sbxup.conf'), '/etc/systemd/system/sbxup@.service', '/etc/sandbox/up2.sandbox', '/var/lib/sandbox/.base/up2/etc/sbxup/sbxup.conf'];
  const before = await Promise.all(files.map(cat));
  const killed = await h.exec(['node', CLI, 'upgrade', 'up2'], { env: { SANDBOX_CRASH_AT: 'upgrade:applied-files' } });
  assert.is.not(killed.exitCode, 0);
  await h.ok('test -d /var/lib/sandbox/.upgrading-up2');
  assert.match(await cat(tree('up2', '/etc/sbxup/sbxup.conf')), /^LEVEL=trace$/m, 'the crash came before the files were in place');
  const list = await h.sandbox('list');
  assert.match(list.stderr, /rolled back the interrupted upgrade of 'up2'/);
  assert.equal(await Promise.all(files.map(cat)), before);
  assert.is((await h.exec(['test', '-e', '/var/lib/sandbox/.upgrading-up2'])).exitCode, 1);
});

test('the rpm backend: sbxdemo 1.0-1 → 1.1-1 (rpm -U) is seen by --check; the unchanged config is replaced, the unit regenerated, the sandbox restarted', async () => {
  assert.is((await h.sandbox('create', '--now', '-u', 'sbxdemo.service', 'rp1')).exitCode, 0);
  assert.match(await cat('/etc/sandbox/rp1.sandbox'), /^packageVersions="sbxdemo=1\.0-1"$/m);
  await h.ok(`rpm -U --nodeps ${rpms[1]} && systemctl daemon-reload`);
  assert.match((await h.sandbox('upgrade', '--check')).stdout, /^rp1\s+behind: sbxdemo 1\.0-1 → 1\.1-1$/m);
  const r = await h.sandbox('upgrade', 'rp1');
  assert.is(r.exitCode, 0, r.stdout + r.stderr);
  assert.match(r.stdout, `Copied /etc/sbxdemo/sbxdemo.conf to ${tree('rp1', '/etc/sbxdemo/sbxdemo.conf')}.`);
  assert.match(r.stdout, /^Upgraded sandbox rp1 and restarted it\.$/m);
  assert.match(await cat(tree('rp1', '/etc/sbxdemo/sbxdemo.conf')), /^MESSAGE=hello from 1\.1$/m);
  assert.is((await h.ok(`systemctl show -p Description --value sbxdemo@rp1.service`)).trim(), 'sbxdemo test service for sandbox, 1.1 (sandbox rp1)');
  assert.match(await h.ok(`for i in $(seq 50); do grep -q '1.1' ${tree('rp1', '/var/lib/sbxdemo/state')} && break; sleep 0.1; done; cat ${tree('rp1', '/var/lib/sbxdemo/state')}`), /^started hello from 1\.1$/m);
  assert.match(await cat('/etc/sandbox/rp1.sandbox'), /^packageVersions="sbxdemo=1\.1-1"$/m);
  assert.is((await h.sandbox('delete', '--force', 'rp1')).exitCode, 0);
});

test('delete removes the base with the sandbox; doctor finds nothing left over', async () => {
  assert.is((await h.sandbox('delete', '--force', 'up1', 'up2')).exitCode, 0);
  assert.is((await h.exec(['test', '-e', '/var/lib/sandbox/.base/up1'])).exitCode, 1);
  const d = await h.sandbox('doctor');
  assert.match(d.stdout, /0 sandboxes: each has its tree, units and label; nothing is left over/, d.stdout);
});

test.run();
