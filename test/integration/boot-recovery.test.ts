// Recovery at boot: a create SIGKILLed after it wrote its units (no record
// yet), with the half-made unit wanted by multi-user.target, is rolled back by
// units/sandbox-recover.service when the host boots, before systemd starts
// any sandbox unit. The first test host makes the crash; its files are then
// copied over the root of a second one, which boots with them.
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from '../../src/exec.js';
import { findProjectDir } from '../host/throwaway-host.js';
import { CLI, bootSandboxHost, type SandboxHost } from './sandbox-host.js';

const HALF = 'apache2@half.service';
let seed = '';
let h: SandboxHost | undefined;

test.before(() => {
  seed = mkdtempSync('/var/tmp/sbx-boot-seed-');
});
test.after(async () => {
  await h?.stop();
  rmSync(seed, { recursive: true, force: true });
});

/** The shipped unit, with ExecStart running this checkout's CLI (no /usr/bin/sandbox here). */
async function recoveryUnit(): Promise<string> {
  const text = await readFile(path.join(findProjectDir(), 'units/sandbox-recover.service'), 'utf8');
  assert.match(text, /^ExecStart=\/usr\/bin\/sandbox doctor --recover$/m);
  return text.replace(/^ExecStart=.*$/m, `ExecStart=${process.execPath} ${CLI} doctor --recover`);
}

test('a crash leaves a half-made sandbox whose unit is wanted at boot', async () => {
  const a = await bootSandboxHost('crash-host');
  try {
    const killed = await a.exec(['node', CLI, 'create', '-u', 'apache2.service', 'half'], { env: { SANDBOX_CRASH_AT: 'create:wrote-dropin' } });
    assert.is(killed.exitCode, 137, killed.stderr);
    await a.ok(`test ! -e /etc/sandbox/half.sandbox && test -d /var/lib/sandbox/half && test -f /var/lib/sandbox/.creating-half && test -f /etc/systemd/system/${HALF}.d/50-sandbox.conf`);
    await a.ok(`ln -s /etc/systemd/system/${HALF} /etc/systemd/system/multi-user.target.wants/${HALF}`);
    await a.exec(['sh', '-c', 'cat > /etc/systemd/system/sandbox-recover.service'], { input: await recoveryUnit() });
    await a.ok('mkdir -p /etc/systemd/system/sysinit.target.wants && ln -s ../sandbox-recover.service /etc/systemd/system/sysinit.target.wants/sandbox-recover.service');
    // What the crash left, to be copied over the next host's root.
    await a.ok(
      `tar -C / -cf /tmp/seed.tar etc/sandbox var/lib/sandbox etc/systemd/system/${HALF} etc/systemd/system/${HALF}.d ` +
        `etc/systemd/system/multi-user.target.wants/${HALF} ` +
        'etc/systemd/system/sandbox-recover.service etc/systemd/system/sysinit.target.wants/sandbox-recover.service',
    );
    const x = await run('tar', ['-C', seed, '-xpf', `${a.rootPath}/tmp/seed.tar`]);
    assert.is(x.exitCode, 0, x.stderr);
  } finally {
    await a.stop();
  }
});

test('the next boot rolls it back before any sandbox unit starts', async () => {
  h = await (async () => {
    const { bootHost } = await import('../host/throwaway-host.js');
    const host = await bootHost({ name: 'recover-host', seed: [seed] });
    return Object.assign(host, {
      sandbox: (...args: string[]) => host.exec(['node', CLI, ...args]),
      ok: async (s: string) => {
        const r = await host.sh(s);
        if (r.exitCode !== 0) throw new Error(`'${s}' exited ${r.exitCode}: ${r.stdout}${r.stderr}`);
        return r.stdout;
      },
    }) as unknown as SandboxHost;
  })();
  const show = (await h.ok('systemctl show -p ActiveState -p Result -p ExecMainStatus sandbox-recover.service')).trim().split('\n').sort();
  assert.equal(show, ['ActiveState=inactive', 'ExecMainStatus=0', 'Result=success']);
  const said = await h.ok('journalctl -u sandbox-recover.service -o cat --no-pager');
  assert.match(said, /^sandbox: rolled back the interrupted create of 'half'$/m);
  await h.ok(`test ! -e /var/lib/sandbox/half && test ! -e /var/lib/sandbox/.creating-half && test ! -e /etc/systemd/system/${HALF} && test ! -e /etc/systemd/system/${HALF}.d`);
  const labels = await h.sandbox('labels', '--json');
  assert.is(labels.exitCode, 0, labels.stderr);
  assert.equal(JSON.parse(labels.stdout), []);
  // systemd never ran the half-made unit: no start of it, no process of it.
  const pid1 = await h.ok(`journalctl _PID=1 -o cat --no-pager | grep -F '${HALF}' || true`);
  assert.not.match(pid1, /Start(ing|ed)/, pid1);
  assert.is((await h.exec(['systemctl', 'is-active', HALF])).stdout.trim(), 'inactive');
  // The recovery's start job ended before sysinit.target's did.
  const doneAt = async (unit: string) => {
    const out = await h!.ok(`journalctl -o json --no-pager _PID=1 UNIT=${unit} JOB_TYPE=start JOB_RESULT=done`);
    const lines = out.trim().split('\n').filter(Boolean);
    assert.is(lines.length, 1, `${unit}: ${out}`);
    return Number((JSON.parse(lines[0]!) as { __MONOTONIC_TIMESTAMP: string }).__MONOTONIC_TIMESTAMP);
  };
  assert.ok((await doneAt('sandbox-recover.service')) < (await doneAt('sysinit.target')));
});

test.run();
