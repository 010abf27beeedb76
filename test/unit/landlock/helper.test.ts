// The Landlock helper (src/landlock/sandbox-landlock.c) as a unit runs it:
// under no_new_privs (setpriv --no-new-privs stands in for NoNewPrivileges=),
// in front of a command. Each effect is checked from outside the domain: a
// process the test started, files the test reads back. What the kernel can do
// is read with a raw system call from python, not from the helper.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from '../../../src/exec.js';
import { PROJECT_DIR } from '../rpm/help.js';

const HELPER = path.join(PROJECT_DIR, 'dist/libexec/sandbox-landlock');
const KERNEL_ABI = Number(execFileSync('python3', ['-c', 'import ctypes; print(max(ctypes.CDLL(None).syscall(444, None, 0, 1), 0))'], { encoding: 'utf8' }).trim());
const nnp = (args: string[]) => run('setpriv', ['--no-new-privs', HELPER, ...args]);
let dir = '';

test.before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sbx-landlock-'));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('--abi prints what the kernel reports', async () => {
  const r = await run(HELPER, ['--abi']);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(Number(r.stdout.trim()), KERNEL_ABI);
});

test("the command runs with its arguments, --argv0 sets argv[0], its exit status passes through", async () => {
  const r = await nnp(['--argv0', 'named', '--', '/bin/sh', '-c', 'tr "\\0" " " < /proc/$$/cmdline; exit 7', 'sh', 'one']);
  assert.is(r.exitCode, 7, r.stderr);
  assert.is(r.stdout, 'named -c tr "\\0" " " < /proc/$$/cmdline; exit 7 sh one ');
});

test('a usage error is exit 2, a program that cannot run is 127, each with one line', async () => {
  const u = await run(HELPER, ['--bogus', 'true']);
  assert.is(u.exitCode, 2);
  assert.match(u.stderr, /unknown option --bogus/);
  const m = await nnp(['--', path.join(dir, 'no-such-program')]);
  assert.is(m.exitCode, 127);
  assert.match(m.stderr, /cannot run .*no-such-program: No such file or directory/);
});

test('inside the domain: no device nodes; files still move between directories', async () => {
  assert.ok(KERNEL_ABI >= 2, `this test needs a Landlock kernel (ABI ${KERNEL_ABI})`);
  const s = await run('setpriv', ['--no-new-privs', HELPER, '--', 'sh', '-c', 'mkdir a b && echo x > a/f && mv a/f b/f && ln b/f a/g; mknod null c 1 3'], { cwd: dir });
  assert.not.ok(existsSync(path.join(dir, 'null')), 'a device node was made inside the domain');
  assert.match(s.stderr, /mknod: null: Permission denied/);
  assert.ok(statSync(path.join(dir, 'b/f')).isFile(), 'rename across directories');
  assert.is(statSync(path.join(dir, 'a/g')).nlink, 2, 'link across directories');
});

test('without no_new_privs (the trusted profile) the command runs without a domain and the journal hears why', async () => {
  const r = await run(HELPER, ['--', 'sh', '-c', 'mknod "$1" c 1 3', 'sh', path.join(dir, 'trusted-null')]);
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stderr, /no_new_privs is not set .*running without a Landlock domain/);
  assert.ok(statSync(path.join(dir, 'trusted-null')).isCharacterDevice());
});

/** Starts a process outside any domain; the helper's command then tries to signal it and to read its /proc/PID/root. */
async function reachOutside(signals: boolean): Promise<{ killed: boolean; rootRead: boolean; out: string }> {
  const victim = spawn('sleep', ['30'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => victim.on('exit', () => resolve()));
  const r = await nnp([...(signals ? ['--signals'] : []), '--', 'sh', '-c', `ls /proc/${victim.pid}/root/ >/dev/null && echo ROOT-READ; kill -TERM ${victim.pid}`]);
  const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]);
  victim.kill('SIGKILL');
  return { killed, rootRead: r.stdout.includes('ROOT-READ'), out: r.stdout + r.stderr };
}

test("a process outside the domain: its /proc/PID/root is closed; it can be signalled only without --signals", async () => {
  assert.ok(KERNEL_ABI >= 2, `this test needs a Landlock kernel (ABI ${KERNEL_ABI})`);
  const scoped = await reachOutside(true);
  assert.not.ok(scoped.rootRead, scoped.out);
  // Landlock scopes signals from ABI 6 (Linux 6.12): before that the victim dies either way.
  assert.is(scoped.killed, KERNEL_ABI < 6, scoped.out);
  const unscoped = await reachOutside(false);
  assert.not.ok(unscoped.rootRead, unscoped.out);
  assert.ok(unscoped.killed, `ExecReload=/ExecStop= must still signal: ${unscoped.out}`);
});

test.run();
