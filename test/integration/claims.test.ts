// README claims checked on a real systemd: the job verbs print their results as
// JSON on stdout (progress on stderr), and systemd's reload propagation reaches
// running sandboxes only: a stopped sandbox stays stopped and is not reloaded.
import { mkdtempSync, rmSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildFixtureRpm } from '../fixtures/rpm/build.js';
import { bootSandboxHost, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
let work: string;
const unit = (n: string) => `sbxdemo@${n}.service`;
const active = async (u: string) => (await h.exec(['systemctl', 'is-active', u])).stdout.trim();
const reloads = async (n: string) => Number((await h.sh(`grep -c '^reloaded' /var/lib/sandbox/${n}/var/log/sbxdemo/sbxdemo.log`)).stdout.trim() || '0');

test.before(async () => {
  work = mkdtempSync('/var/tmp/sbx-claims-');
  const rpm = await buildFixtureRpm(work);
  h = await bootSandboxHost('claims-test', [work]);
  await h.ok(`rpm -i --nodeps ${rpm} && systemctl daemon-reload`);
  const made = await h.sandbox('create', '-u', 'sbxdemo.service', 'run1', 'idle1');
  assert.is(made.exitCode, 0, made.stderr);
});
test.after(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

type Report = { sandbox: string; unit: string; ok: boolean; result: string; activeState: string };

for (const [verb, names, state] of [
  ['start', ['run1', 'idle1'], 'active'],
  ['restart', ['run1', 'idle1'], 'active'],
  ['reload', ['run1'], 'active'],
  ['stop', ['idle1'], 'inactive'],
] as const) {
  test(`${verb} --json: one report per sandbox on stdout, as systemd sees it`, async () => {
    const r = await h.sandbox(verb, '--json', ...names);
    assert.is(r.exitCode, 0, r.stderr);
    const reports = JSON.parse(r.stdout) as Report[];
    assert.equal(reports.map((x) => [x.sandbox, x.unit, x.ok, x.result, x.activeState]), names.map((n) => [n, unit(n), true, 'done', state]));
    for (const n of names) assert.is(await active(unit(n)), state);
  });
}

test('systemctl reload sbxdemo.service: the running sandbox reloads, the stopped one stays stopped and is not reloaded', async () => {
  assert.is(await active(unit('idle1')), 'inactive');
  const run0 = await reloads('run1');
  const idle0 = await reloads('idle1');
  const pid = await h.mainPid(unit('run1'));
  // the host's own sbxdemo.service is not running: systemctl says so and still propagates
  const r = await h.exec(['systemctl', 'reload', 'sbxdemo.service']);
  assert.is(r.exitCode, 1);
  assert.match(r.stderr, /not active, cannot reload/);
  for (let i = 0; i < 50 && (await reloads('run1')) === run0; i++) await new Promise((res) => setTimeout(res, 100));
  assert.is(await reloads('run1'), run0 + 1);
  assert.is(await h.mainPid(unit('run1')), pid);
  assert.is(await active(unit('idle1')), 'inactive');
  assert.is(await reloads('idle1'), idle0);
});

test.run();
