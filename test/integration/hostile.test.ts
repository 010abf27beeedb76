// Issue 19 on a real systemd: a sandbox's processes, its /run and its journal
// entries are the sandbox's to write, and the tool must stay safe with them.
// - delete ends every process of the sandbox first, and refuses if one is left;
// - a process racing renameat2(RENAME_EXCHANGE) of tree directories with links
//   to a host directory while delete removes the tree: the host directory survives;
// - logs shows only what journald's trusted fields prove, escaped;
// - nothing is left under /run/sandbox (RuntimeDirectoryPreserve=yes).
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findProjectDir } from '../host/throwaway-host.js';
import { bootSandboxHost, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;
const RACER = path.join(findProjectDir(), 'test/integration/fixtures/racer.py');
const unit = (n: string) => `apache2@${n}.service`;
const tree = (n: string) => `/var/lib/sandbox/${n}`;

test.before(async () => {
  h = await bootSandboxHost('hostile-test');
});
test.after(async () => {
  await h?.stop();
});

async function create(...names: string[]): Promise<void> {
  const r = await h.sandbox('create', '-u', 'apache2.service', ...names);
  assert.is(r.exitCode, 0, r.stderr);
}

/** Starts a command in the background inside the test host; its pid. */
async function background(cmd: string): Promise<number> {
  return Number((await h.ok(`setsid ${cmd} </dev/null >/dev/null 2>&1 & echo $!`)).trim());
}

const alive = async (pid: number) => (await h.exec(['kill', '-0', String(pid)])).exitCode === 0;

test('delete of a stopped sandbox kills what its unit left running (KillMode=process)', async () => {
  await create('left1');
  await h.ok(
    `mkdir -p /etc/systemd/system/${unit('left1')}.d && printf '[Service]\\nKillMode=process\\nExecStartPost=/bin/sh -c "setsid sleep 600 </dev/null >/dev/null 2>&1 &"\\n' > /etc/systemd/system/${unit('left1')}.d/99-test.conf && systemctl daemon-reload`,
  );
  assert.is((await h.sandbox('start', 'left1')).exitCode, 0);
  assert.is((await h.sandbox('stop', 'left1')).exitCode, 0);
  const cgroup = (await h.ok(`systemctl show -p ControlGroup --value ${unit('left1')}`)).trim();
  const pids = (await h.ok(`cat /sys/fs/cgroup${cgroup}/cgroup.procs`)).trim().split('\n').map(Number);
  assert.is(pids.length, 1, 'the sleep left behind');
  assert.is((await h.ok(`cat /proc/${pids[0]}/comm`)).trim(), 'sleep');
  assert.is((await h.exec(['systemctl', 'is-active', unit('left1')])).stdout.trim(), 'inactive');

  const r = await h.sandbox('delete', 'left1');
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(await alive(pids[0]!), false, 'the leftover process still runs');
  await h.ok(`rm -r /etc/systemd/system/${unit('left1')}.d && systemctl daemon-reload`);
});

test('a process of the sandbox that left its cgroup: delete --force refuses (exit 4), deletes nothing', async () => {
  await create('esc1');
  assert.is((await h.sandbox('start', 'esc1')).exitCode, 0);
  const main = await h.mainPid(unit('esc1'));
  // In the sandbox's mount namespace, in no unit's cgroup (this exec's own).
  const escaped = await background(`nsenter -t ${main} -m sleep 600`);
  assert.ok(await alive(escaped));
  const r = await h.sandbox('delete', '--force', 'esc1');
  assert.is(r.exitCode, 4, r.stderr);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('sandbox: '));
  assert.equal(errors, [`sandbox: sandbox 'esc1': process ${escaped} (sleep) of ${unit('esc1')} is still running after the unit was stopped and killed; not deleting`]);
  await h.ok(`test -f /etc/sandbox/esc1.sandbox && test -d ${tree('esc1')}`);
  assert.ok(await alive(escaped));
  await h.ok(`kill ${escaped}; while kill -0 ${escaped} 2>/dev/null; do sleep 0.05; done`);
  const again = await h.sandbox('delete', '--force', 'esc1');
  assert.is(again.exitCode, 0, again.stderr);
  assert.is((await h.exec(['test', '-e', tree('esc1')])).exitCode, 1);
});

test('delete races a renameat2 exchange loop: the host directory behind the links survives intact', async () => {
  await create('race1');
  assert.is((await h.sandbox('start', 'race1')).exitCode, 0);
  const base = `${tree('race1')}/var/www/race`;
  // 200 files in the victim; the tree's directories hold files of the same
  // names, so a remover that follows a swapped-in link removes the victim's.
  const pairs = await h.ok(`
    set -e
    mkdir -p /root/victim /root/links ${base}
    for i in $(seq 200); do echo "victim $i" > /root/victim/f$i; done
    for j in $(seq 30); do
      mkdir ${base}/d$j ${base}/e$j
      for i in $(seq 20); do echo x > ${base}/d$j/f$i; echo x > ${base}/e$j/f$i; done
      ln -s /root/victim /root/links/l$j
      ln -s /root/victim ${base}/m$j
      printf '%s %s %s %s ' ${base}/d$j /root/links/l$j ${base}/e$j ${base}/m$j
    done`);
  const victimBefore = await h.ok('cd /root/victim && sha256sum * | sort');
  assert.is(victimBefore.trim().split('\n').length, 200);
  // Outside the sandbox's cgroup and mount namespace: nothing delete ends.
  const racer = await background(`python3 ${RACER} ${pairs.trim()}`);
  await h.ok(`sleep 1; kill -0 ${racer}`);
  const r = await h.sandbox('delete', '--force', 'race1');
  const racerWasAlive = await alive(racer);
  await h.ok(`kill ${racer}`);
  assert.ok(racerWasAlive, 'the racer ran through the whole delete');
  assert.is(await h.ok('cd /root/victim && sha256sum * | sort'), victimBefore);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is((await h.exec(['test', '-e', tree('race1')])).exitCode, 1);
});

test('logs: a forged SANDBOX_NAME= entry from another sandbox or a user is not shown; the tool\'s own is', async () => {
  await create('other', 'forger');
  assert.is((await h.sandbox('start', 'forger')).exitCode, 0);
  const cgroup = (await h.ok(`systemctl show -p ControlGroup --value ${unit('forger')}`)).trim();
  const fields = (who: string) => `MESSAGE=sandbox other: deleted (forged by ${who})\\nSYSLOG_IDENTIFIER=sandbox\\nSANDBOX_NAME=other\\nSANDBOX_ACTION=delete\\n`;
  // As root, from inside the forger's unit (its cgroup, as its service would)...
  await h.ok(`sh -c 'echo $$ > /sys/fs/cgroup${cgroup}/cgroup.procs && printf "${fields('the sandbox')}" | logger --journald'`);
  // ...and as an unprivileged user outside any sandbox.
  await h.ok(`printf "${fields('nobody')}" | setpriv --reuid=65534 --regid=65534 --clear-groups logger --journald`);
  await h.ok('journalctl --sync');
  const forged = await h.ok('journalctl SANDBOX_NAME=other -o cat --no-pager');
  assert.match(forged, /forged by the sandbox/, 'the forged entries are in the journal');
  assert.match(forged, /forged by nobody/);
  // ...and the tool's own signed entry, read from the journal and sent again unchanged from the forger's cgroup at once
  const original = JSON.parse(await h.ok('journalctl SANDBOX_NAME=other SANDBOX_ACTION=create -o json -n 1 --no-pager')) as Record<string, string>;
  assert.match(original.SANDBOX_AUTH ?? '', /^[0-9a-f]{64}$/);
  const copy = Object.entries(original).filter(([k]) => !k.startsWith('_')).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
  const sent = await h.sh(`echo $$ > /sys/fs/cgroup${cgroup}/cgroup.procs && logger --journald`, { input: copy });
  assert.is(sent.exitCode, 0, sent.stderr);
  await h.ok('journalctl --sync');
  const copies = (await h.ok('journalctl SANDBOX_NAME=other SANDBOX_ACTION=create -o cat --no-pager')).trim().split('\n');
  assert.is(copies.length, 2, 'the copy is in the journal');
  const r = await h.sandbox('logs', 'other');
  assert.is(r.exitCode, 0, r.stderr);
  assert.not.match(r.stdout, /forged/);
  assert.is(r.stdout.match(/sandbox\[\d+\]: sandbox other: created apache2@other\.service with label s0:c\d+,c\d+/g)?.length, 1, r.stdout);
});

test('logs: escape sequences a sandbox logs are printed escaped, not sent to the terminal', async () => {
  const cgroup = (await h.ok(`systemctl show -p ControlGroup --value ${unit('forger')}`)).trim();
  // Through a stream that stays open a while, as a service's output does: journald reads the sender's cgroup when
  // the stream connects, so the entry is the sandbox unit's (a logger that exits at once may leave it without one).
  await h.ok(`sh -c 'echo $$ > /sys/fs/cgroup${cgroup}/cgroup.procs && { printf "clear\\033[2J title\\033]0;owned\\007 end\\n"; sleep 2; } | systemd-cat -t evil'`);
  await h.ok('journalctl --sync');
  const r = await h.sandbox('logs', 'forger');
  assert.is(r.exitCode, 0, r.stderr);
  assert.not.match(r.stdout, /[\x00-\x08\x0b-\x1f\x7f]/);
  assert.match(r.stdout, /evil\[\d+\]: clear\\x1b\[2J title\\x1b\]0;owned\\a end$/m);
  assert.is((await h.sandbox('delete', '--force', 'other', 'forger')).exitCode, 0);
});

test('RuntimeDirectoryPreserve=yes is dropped from the sandbox\'s unit: stop and delete leave nothing under /run/sandbox; doctor reports a leftover there, --repair removes it', async () => {
  await h.ok("cp /lib/systemd/system/apache2.service /tmp/apache2.service.orig && sed -i 's/^\\[Service\\]$/[Service]\\nRuntimeDirectory=apache2\\nRuntimeDirectoryPreserve=yes/' /lib/systemd/system/apache2.service && systemctl daemon-reload");
  try {
    await create('keep1');
    // the vendor table drops it: the host's /run/sandbox must not keep a sandbox's runtime state
    assert.match(await h.ok('cat /lib/systemd/system/apache2.service'), /^RuntimeDirectoryPreserve=yes$/m);
    assert.not.match(await h.ok('cat /etc/systemd/system/apache2@keep1.service'), /RuntimeDirectoryPreserve/);
    assert.is((await h.sandbox('start', 'keep1')).exitCode, 0);
    await h.ok('test -d /run/sandbox/keep1/apache2');
    assert.is((await h.sandbox('stop', 'keep1')).exitCode, 0);
    const r = await h.sandbox('delete', 'keep1');
    assert.is(r.exitCode, 0, r.stderr);
    assert.is(await h.ok('ls -A /run/sandbox'), '');

    await h.ok('mkdir -p /run/sandbox/ghost/apache2 && touch /run/sandbox/ghost/apache2/x.pid');
    const d = await h.sandbox('doctor');
    assert.match(d.stdout, /orphan runtime dir.*\/run\/sandbox\/ghost is left from sandbox 'ghost', which has no record/);
    const repair = await h.sandbox('doctor', '--repair');
    assert.match(repair.stdout, /orphan runtime dir.*removed: \/run\/sandbox\/ghost is left/);
    assert.is(await h.ok('ls -A /run/sandbox'), '');
    const after = await h.sandbox('doctor');
    assert.not.match(after.stdout, /orphan runtime dir/);
  } finally {
    await h.ok('cp /tmp/apache2.service.orig /lib/systemd/system/apache2.service && systemctl daemon-reload');
  }
});

test.run();
