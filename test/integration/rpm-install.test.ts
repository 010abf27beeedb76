// The RPM an admin installs: built with contrib/build-rpm.sh, installed into the
// throwaway systemd host (rpm -i --nodeps: Debian's rpm database lists none of
// its requirements), and the whole journey run with the installed /usr/bin/sandbox.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findProjectDir } from '../host/throwaway-host.js';
import { bootSandboxHost, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
let rpmFile: string;
const U = 'apache2@web1.service';

test.before(async () => {
  const project = findProjectDir();
  rpmFile = execFileSync('bash', [path.join(project, 'contrib/build-rpm.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  assert.ok(rpmFile.startsWith(project), rpmFile);
  h = await bootSandboxHost('rpm-test');
});
test.after(async () => {
  await h?.stop();
});

test('the RPM installs: /usr/bin/sandbox, its code, the man page and the config', async () => {
  await h.ok(`rpm -i --nodeps ${rpmFile}`);
  assert.match(await h.ok('rpm -q sandbox'), /^sandbox-\d/);
  assert.is((await h.ok('command -v sandbox')).trim(), '/usr/bin/sandbox');
  assert.match(await h.ok('sandbox --version'), /^\d+\.\d+\.\d+/);
  assert.is((await h.ok('test -f /etc/sandbox/sandbox.conf && stat -c %a /var/lib/sandbox')).trim(), '711');
  const man = await h.ok('MANWIDTH=80 man sandbox 2>&1 | head -20');
  assert.match(man, /SANDBOX\(8\)/);
  assert.match(man, /NAME/);
});

test('the journey with the installed tool: create, start, status, reload, stop, delete', async () => {
  assert.match(await h.ok('sandbox create -u apache2.service web1'), /Created sandbox web1/);
  await h.ok('echo web1 > /var/lib/sandbox/web1/var/www/html/index.html');
  assert.match(await h.ok('sandbox start web1'), /Started apache2@web1\.service \(active\)/);
  assert.is((await h.curlIn(await h.mainPid(U), 'http://127.0.0.1/')).stdout, 'web1\n');
  const status = JSON.parse(await h.ok('sandbox status web1 --json')) as { state: string };
  assert.is(status.state, 'active');
  await h.ok('systemctl reload apache2.service');
  assert.match(await h.ok(`sleep 1; journalctl -u ${U} -o cat --no-pager`), /Reloaded apache2@web1\.service/);
  assert.match(await h.ok('sandbox stop web1'), /Stopped apache2@web1\.service \(inactive\)/);
  assert.match(await h.ok('sandbox delete web1'), /Deleted sandbox web1/);
  assert.is((await h.ok('sandbox list --json')).trim(), '[]');
});

test('rpm -V: no file of the package was modified by the journey', async () => {
  const r = await h.exec(['rpm', '-V', '--nodeps', 'sandbox']);
  assert.is(r.stdout, '');
  assert.is(r.exitCode, 0, r.stderr);
});

test.run();
