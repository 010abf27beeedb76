// sandbox exec's helper (src/enter/sandbox-enter.c) as a unit runs it: a
// stand-in "sandbox" made with unshare (its own mount and UTS namespaces, a
// tmpfs only it sees, a narrow bounding set) in a cgroup v2 directory of its
// own (the test host harness's). What the command saw is compared with what
// this process sees from outside. Needs root (setns), as exec does.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from '../../../src/exec.js';
import { createHostCgroup, removeHostCgroup } from '../../host/cgroup.js';
import { PROJECT_DIR } from '../rpm/help.js';

const HELPER = path.join(PROJECT_DIR, 'dist/libexec/sandbox-enter');
let dir = '';
let cgroup = '';
let procs = '';
let victim: ReturnType<typeof spawn>;
let pid = 0;

test.before(async () => {
  assert.is(process.getuid?.(), 0, 'this test enters namespaces: run it as root');
  dir = mkdtempSync(path.join(os.tmpdir(), 'sbx-enter-'));
  cgroup = createHostCgroup('enter-helper');
  procs = path.join(cgroup, 'cgroup.procs');
  victim = spawn('sh', ['-c', 'echo $$ > "$0" && exec unshare --mount --uts --propagation private -- sh -c "$1"', procs,
    'hostname stand-in && mount -t tmpfs none /mnt && echo only-inside > /mnt/f && exec setpriv --bounding-set=-all,+chown,+net_bind_service sleep 300'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const st = readFileSync(`/proc/${victim.pid}/status`, 'utf8');
    if (/^CapBnd:\s*0+401$/m.test(st)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  pid = victim.pid!;
});
test.after(async () => {
  victim?.kill('SIGKILL');
  if (cgroup) await removeHostCgroup(cgroup);
  rmSync(dir, { recursive: true, force: true });
});

const enter = (args: string[]) => run(HELPER, ['--target', String(pid), '--cgroup-procs', procs, ...args]);

test("the command runs in the process's namespaces and cgroup with its bounding set, no_new_privs, no inheritable capability", async () => {
  const r = await enter(['--', 'sh', '-c', 'hostname; cat /mnt/f; grep -E "^(CapInh|CapEff|CapBnd|CapAmb|NoNewPrivs):" /proc/self/status; id -G; grep "^0::" /proc/self/cgroup']);
  assert.is(r.exitCode, 0, r.stderr);
  const cg = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'));
  assert.is(r.stdout, `stand-in\nonly-inside\nCapInh:\t0000000000000000\nCapEff:\t0000000000000401\nCapBnd:\t0000000000000401\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\n0\n${cg}\n`);
  assert.is.not((await run('hostname', [])).stdout.trim(), 'stand-in', "the test's own UTS namespace was changed");
});

test("no descriptor of the caller's but 0-2 reaches the command; the umask given", async () => {
  const r = await run('sh', ['-c', `exec 8</etc/hostname 9<"$0"; exec "$@"`, dir, HELPER, '--target', String(pid), '--cgroup-procs', procs, '--umask', '027', '--',
    'sh', '-c', 'ls /proc/self/fd | sort -n | tr "\\n" " "; echo; umask']);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, '0 1 2 3 \n0027\n', "only stdio and ls's own directory");
});

test("a process that made a user namespace of its own (its bounding set full there): the command enters it and gets no more than the unit's set", async () => {
  // Dropped to a few capabilities, then a user namespace mapping root: its CapBnd reads full again, inside it.
  const userns = spawn('sh', ['-c', 'echo $$ > "$0" && exec setpriv --bounding-set=-all,+chown,+setuid,+setgid,+setfcap,+net_bind_service unshare -U --map-user=0 --map-group=0 sleep 300', procs], { stdio: 'ignore' });
  try {
    let st = '';
    for (let i = 0; i < 100 && !/^CapBnd:\s*000001f+$/m.test(st); i++) {
      await new Promise((r) => setTimeout(r, 50));
      st = readFileSync(`/proc/${userns.pid}/status`, 'utf8');
    }
    assert.match(st, /^CapBnd:\s*000001f+$/m, 'the stand-in reads a full set in its own user namespace');
    const unitSet = (1n << 0n) | (1n << 6n) | (1n << 7n) | (1n << 10n); // chown setgid setuid net_bind_service
    const r = await run(HELPER, ['--target', String(userns.pid), '--cgroup-procs', procs, '--bounding', unitSet.toString(16), '--',
      'sh', '-c', 'grep -E "^Cap(Eff|Bnd):" /proc/self/status; readlink /proc/self/ns/user']);
    assert.is(r.exitCode, 0, r.stderr);
    assert.is(r.stdout, `CapEff:\t00000000000004c1\nCapBnd:\t00000000000004c1\n${readlinkSync(`/proc/${userns.pid}/ns/user`)}\n`);
  } finally {
    userns.kill('SIGKILL');
  }
});

test('no new namespace for the command (unshare, clone flags, setns), while fork, exec and threads work', async () => {
  const r = await enter(['--', 'sh', '-c', 'unshare -U true; echo "user $?"; unshare -n true; echo "net $?"; nsenter -t 1 -n true 2>/dev/null; echo "setns $?"; ' +
    'python3 -c "import os, threading; t = threading.Thread(target=lambda: None); t.start(); t.join(); print(\'thread ok\'); os.unshare(os.CLONE_NEWUTS) if hasattr(os, \'unshare\') else None" 2>&1 | head -n 1; (echo forked)']);
  assert.is(r.stdout, 'user 1\nnet 1\nsetns 1\nthread ok\nforked\n', r.stderr);
  assert.match(r.stderr, /unshare failed: Operation not permitted/);
});

test('--user: that uid, gid and exactly those groups, no capabilities', async () => {
  const r = await enter(['--user', '33:33:33,44', '--', 'sh', '-c', 'id -u; id -g; id -G; grep -E "^Cap(Prm|Eff):" /proc/self/status']);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, '33\n33\n33 44\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n');
});

test('the exit status is the command\'s; 127 when it cannot run; 2 for a usage error; each failure one line', async () => {
  assert.is((await enter(['--', 'sh', '-c', 'exit 7'])).exitCode, 7);
  const missing = await enter(['--', '/no/such/program']);
  assert.equal([missing.exitCode, missing.stderr], [127, 'sandbox-enter: cannot run /no/such/program: No such file or directory\n']);
  const args = ['--target', String(pid), '--cgroup-procs', procs];
  for (const bad of [['--target', 'x', '--cgroup-procs', procs, 'true'], ['--target', String(pid), 'true'], ['--bogus', 'x'], [...args, '--user', '33', 'true'],
    [...args, '--context', '', 'true'], [...args, '--bounding', 'xyz', 'true'], [...args, '--umask', '999', 'true']]) {
    const u = await run(HELPER, bad);
    assert.is(u.exitCode, 2, bad.join(' '));
    assert.match(u.stderr, /^sandbox-enter: /, bad.join(' '));
  }
});

test('a process not listed in the cgroup, or gone, is never entered: 125, one line, nothing run', async () => {
  // A cgroup.procs that does not list it (a regular file: the helper opens it for writing, then reads it).
  const other = path.join(dir, 'other.procs');
  writeFileSync(other, '1\n');
  const marker = path.join(dir, 'ran');
  const notIn = await run(HELPER, ['--target', String(pid), '--cgroup-procs', other, '--', 'touch', marker]);
  assert.equal([notIn.exitCode, notIn.stderr], [125, "sandbox-enter: the main process is not in the sandbox unit's cgroup; not entering it\n"]);
  const gone = spawn('true');
  await new Promise((r) => gone.on('exit', r));
  const r = await run(HELPER, ['--target', String(gone.pid), '--cgroup-procs', procs, '--', 'touch', marker]);
  assert.is(r.exitCode, 125, r.stderr);
  assert.match(r.stderr, /^sandbox-enter: the sandbox's main process is gone: No such process\n$/);
  assert.is((await run('test', ['-e', marker])).exitCode, 1, 'the command ran');
});

test.run();
