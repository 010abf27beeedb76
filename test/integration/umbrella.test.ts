// Umbrella units on a real systemd (issue 18): Debian's postgresql.service and
// postfix.service run /bin/true and only group the instances that run the
// daemons. create refuses them before writing anything and names those
// instances, as systemd knows them (ConsistsOf=/Wants=, generators' included).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootSandboxHost, treeListing, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
const STATE_DIRS = ['/etc/systemd/system', '/etc/sandbox', '/var/lib/sandbox', '/run/sandbox'];

test.before(async () => {
  h = await bootSandboxHost('umbrella-test');
});
test.after(async () => {
  await h?.stop();
});

for (const [umbrella, worker] of [
  ['postgresql.service', 'postgresql@15-main.service'],
  ['postfix.service', 'postfix@-.service'],
]) {
  test(`${umbrella}: refused (exit 2) naming ${worker}, nothing written`, async () => {
    const before = await treeListing(h, STATE_DIRS);
    const r = await h.sandbox('create', '-u', umbrella!, 'umb');
    assert.is(r.exitCode, 2, r.stdout + r.stderr);
    assert.is(
      r.stderr.trim().split('\n').pop(),
      `sandbox: ${umbrella} runs nothing itself (its ExecStart= is /bin/true): it only starts and stops other units; sandbox the one that runs the daemon: ${worker} (e.g. sandbox create -u ${worker} NAME)`,
    );
    assert.is(await treeListing(h, STATE_DIRS), before);
  });
}

test.run();
