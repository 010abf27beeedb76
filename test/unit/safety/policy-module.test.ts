// The SELinux policy module as the tool sees it from the files a host has:
// the policy store (/var/lib/selinux/POLICY/active/modules) and selinuxfs's
// enforce flag. On an enforcing host without the module, create still makes a
// whole sandbox but says it will not start, and doctor fails with the fix;
// with the module, neither complains. (That the module works is the VM test's.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { makePaths } from '../../../src/paths.js';
import { contextValid, policyModuleState } from '../../../src/selinux/policy.js';
import { buildFixtureRoot, copyRoot, makeTmp, sandbox } from './fixture-root.js';

const work = await makeTmp('policy');
const fixture = await buildFixtureRoot(work);
let n = 0;

interface Host {
  selinux?: 'enforcing' | 'permissive';
  /** the priority directories holding the module; 'disabled' marks it disabled */
  module?: string[];
  store?: boolean;
}

async function host(h: Host): Promise<string> {
  const root = await copyRoot(fixture, path.join(work, `root${++n}`));
  const put = async (p: string, text: string) => {
    await fs.mkdir(path.dirname(path.join(root, p)), { recursive: true });
    await fs.writeFile(path.join(root, p), text);
  };
  await put('etc/selinux/config', 'SELINUX=enforcing\nSELINUXTYPE=targeted\n');
  if (h.selinux) {
    await put('sys/fs/selinux/enforce', h.selinux === 'enforcing' ? '1' : '0');
    // the tool's own context bounds the categories it hands out
    await put('proc/self/attr/current', 'unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023\0');
  }
  if (h.store !== false) await fs.mkdir(path.join(root, 'var/lib/selinux/targeted/active/modules/100/base'), { recursive: true });
  for (const p of h.module ?? []) await fs.mkdir(path.join(root, 'var/lib/selinux/targeted/active/modules', p, 'sandbox_units'), { recursive: true });
  return root;
}

interface DoctorCheck {
  name: string;
  status: string;
  detail: string;
}
async function doctorCheck(root: string, name: string): Promise<DoctorCheck> {
  const r = await sandbox(root, ['doctor', '--json']);
  const check = (JSON.parse(r.stdout) as { checks: DoctorCheck[] }).checks.find((c) => c.name === name);
  assert.ok(check, `doctor has no '${name}' check:\n${r.stdout}`);
  return check!;
}

test('module state is read from the policy store: installed at its priority, disabled, missing, no store', async () => {
  const state = async (h: Host) => policyModuleState(makePaths(await host(h)));
  assert.equal(await state({ module: ['400'] }), { store: '/var/lib/selinux/targeted', installed: true, disabled: false, priority: 400 });
  assert.equal(await state({ module: ['100', '400'] }), { store: '/var/lib/selinux/targeted', installed: true, disabled: false, priority: 400 });
  assert.equal((await state({ module: ['400', 'disabled'] })).disabled, true);
  assert.equal(await state({}), { store: '/var/lib/selinux/targeted', installed: false, disabled: false });
  assert.is((await state({ store: false })).installed, undefined);
});

test('a store only root may read: doctor does not claim the module is missing', async () => {
  const root = await host({ selinux: 'enforcing', module: ['200'] });
  await fs.chmod(path.join(root, 'var/lib/selinux/targeted/active'), 0o700);
  // nobody may reach the root (mkdtemp makes 0700 directories), not the store
  await fs.chmod(work, 0o755);
  await fs.chmod(root, 0o755);
  const r = await sandbox(root, ['doctor', '--json'], { asNobody: true });
  assert.ok(r.stdout, r.stderr);
  const c = (JSON.parse(r.stdout) as { checks: DoctorCheck[] }).checks.find((x) => x.name === 'policy module');
  assert.is(c?.status, 'warn', JSON.stringify(c));
  assert.match(c?.detail ?? '', /^not checked: \/var\/lib\/selinux\/targeted can only be read by root$/);
});

test('without selinuxfs no context can be checked: contextValid says so instead of guessing', async () => {
  assert.is(await contextValid(makePaths(await host({})), 'system_u:system_r:container_t:s0'), undefined);
});

test('enforcing, module missing: create makes the sandbox and warns it will not start; doctor fails with the fix', async () => {
  const root = await host({ selinux: 'enforcing' });
  const r = await sandbox(root, ['create', '-u', 'sbxdemo.service', 'demo1']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /^warning: sbxdemo@demo1\.service will not start until the SELinux policy module sandbox_units is in place: sandbox_units in \/var\/lib\/selinux\/targeted is not installed: install it: semodule -X 200 -i \/usr\/share\/selinux\/packages\/sandbox_units\.cil$/m);
  await fs.access(path.join(root, 'etc/sandbox/demo1.sandbox'));
  const c = await doctorCheck(root, 'policy module');
  assert.is(c.status, 'fail');
  assert.match(c.detail, /^sandbox_units in \/var\/lib\/selinux\/targeted is not installed: install it: semodule -X 200 -i \/usr\/share\/selinux\/packages\/sandbox_units\.cil; until then sandboxes cannot start \(systemd may not start \w+\)$/);
  const d = await sandbox(root, ['doctor']);
  assert.is.not(d.code, 0);
  assert.match(d.stdout, /^FAIL\s+policy module\s+/m);
});

test('permissive, module disabled: the warning says so and how to enable it', async () => {
  const root = await host({ selinux: 'permissive', module: ['400', 'disabled'] });
  const r = await sandbox(root, ['create', '-u', 'sbxdemo.service', 'demo1']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /sbxdemo@demo1\.service will start only while SELinux is permissive until the SELinux policy module sandbox_units is in place: .* is disabled: enable it: semodule -e sandbox_units/);
  const c = await doctorCheck(root, 'policy module');
  assert.is(c.status, 'fail');
  assert.match(c.detail, /until then sandboxes start only while SELinux is permissive/);
});

test('module installed: no warning, doctor ok; SELinux off: no warning, doctor only warns', async () => {
  const installed = await host({ selinux: 'enforcing', module: ['200'] });
  const r = await sandbox(installed, ['create', '-u', 'sbxdemo.service', 'demo1']);
  assert.is(r.code, 0, r.stderr);
  assert.not.match(r.stderr, /warning/);
  assert.equal(await doctorCheck(installed, 'policy module'), {
    name: 'policy module',
    status: 'ok',
    detail: 'sandbox_units is installed in /var/lib/selinux/targeted (priority 200)',
    data: { mode: 'enforcing', store: '/var/lib/selinux/targeted', installed: true, disabled: false, priority: 200, kernelAllows: null, denied: [] },
  } as DoctorCheck);

  const off = await host({});
  const o = await sandbox(off, ['create', '-u', 'sbxdemo.service', 'demo1']);
  assert.is(o.code, 0, o.stderr);
  assert.not.match(o.stderr, /warning/);
  // …but one line says the sandbox has the weaker guarantee; with enforcing SELinux there is none
  assert.equal(o.stderr.split('\n').filter((l) => /SELinux is disabled: the sandboxes are contained by namespaces, capabilities and seccomp only/.test(l)).length, 1, o.stderr);
  assert.not.match(r.stderr, /contained by namespaces/);
  assert.is((await doctorCheck(off, 'policy module')).status, 'warn');
  const types = await doctorCheck(off, 'policy types');
  assert.is(types.status, 'warn');
  assert.match(types.detail, /not checked: SELinux is disabled/);
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
