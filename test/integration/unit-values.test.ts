// Issue 19 item 2 on a real systemd: a --copy path with a space, ':', '\' and
// a quote is written so that systemd 252 binds exactly that path (it used to
// split the value and silently bind nothing); a newline or a tab is refused
// (exit 2) and nothing is written.
import { mkdtempSync, rmSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildFixtureRpm } from '../fixtures/rpm/build.js';
import { bootSandboxHost, treeListing, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
let work: string;
const ODD = "/etc/sbx odd:dir\\x'q";
const TREE = '/var/lib/sandbox/odd1';

test.before(async () => {
  work = mkdtempSync('/var/tmp/sbx-unit-values-');
  const rpm = await buildFixtureRpm(work);
  h = await bootSandboxHost('unit-values-test', [work]);
  await h.ok(`rpm -i --nodeps ${rpm} && systemctl daemon-reload`);
  const r = await h.exec(['sh', '-c', 'mkdir -p "$1" && echo host > "$1/file"', 'sh', ODD]);
  assert.is(r.exitCode, 0, r.stderr);
});
test.after(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('a --copy path with space, colon, backslash and quote: systemd binds that very path', async () => {
  const r = await h.sandbox('create', '-u', 'sbxdemo.service', '--copy', ODD, 'odd1');
  assert.is(r.exitCode, 0, r.stderr);
  const dropIn = await h.ok('cat /etc/systemd/system/sbxdemo@odd1.service.d/50-sandbox.conf');
  assert.ok(dropIn.includes(`BindPaths=${TREE}/etc/sbx\\ odd\\:dir\\\\x"'"q:/etc/sbx\\ odd\\:dir\\\\x"'"q\n`), dropIn);
  // The sandbox's copy says "tree"; the host's says "host".
  const w = await h.exec(['sh', '-c', 'echo tree > "$1/file"', 'sh', TREE + ODD]);
  assert.is(w.exitCode, 0, w.stderr);
  assert.is((await h.sandbox('start', 'odd1')).exitCode, 0);
  const shown = await h.ok('systemctl show -p BindPaths --value sbxdemo@odd1.service');
  assert.ok(shown.includes(`${TREE}${ODD}:${ODD}:rbind`), shown);
  const pid = await h.mainPid('sbxdemo@odd1.service');
  const inside = await h.exec(['nsenter', '-t', String(pid), '-m', 'cat', `${ODD}/file`]);
  assert.is(inside.exitCode, 0, inside.stderr);
  assert.is(inside.stdout, 'tree\n');
  assert.is(await h.ok(`cat "${ODD.replace(/["\\$`]/g, '\\$&')}/file"`), 'host\n');
  const journal = await h.ok('journalctl -b _PID=1 --no-pager -o cat');
  assert.not.match(journal, /sbxdemo@odd1\.service.*(Failed to|Invalid|not absolute|Missing argument)/i);
  assert.is((await h.sandbox('delete', '--force', 'odd1')).exitCode, 0);
});

test('a --copy or --exclude path with a newline or a tab: exit 2, one line naming it, nothing written', async () => {
  const watch = ['/etc/systemd/system', '/etc/sandbox', '/var/lib/sandbox'];
  const before = await treeListing(h, watch);
  await h.ok("mkdir -p '/etc/sbx\nExecStartPre=+' && touch '/etc/sbx\tt'");
  for (const [option, p] of [
    ['--copy', '/etc/sbx\nExecStartPre=+/usr/bin/touch /root/pwned'],
    ['--copy', '/etc/sbx\tt'],
    ['--exclude', '/etc/sbxdemo/a\nb'],
  ] as const) {
    const r = await h.sandbox('create', '-u', 'sbxdemo.service', option, p, 'bad1');
    assert.is(r.exitCode, 2, r.stderr);
    assert.is(r.stderr.trimEnd().split('\n').filter((l) => l.startsWith('sandbox: ')).length, 1, r.stderr);
    assert.ok(r.stderr.includes(`${option} ${JSON.stringify(p)}: has a control character`), r.stderr);
  }
  assert.is(await treeListing(h, watch), before);
  assert.is((await h.exec(['test', '-e', '/root/pwned'])).exitCode, 1);
});

test.run();
