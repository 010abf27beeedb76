// Sandboxes under enforcing SELinux, for real: a Debian 12 VM (qemu, software
// emulation) with the container policy module and the sandbox RPM, whose %post
// loads contrib/selinux/sandbox_units.cil, runs guest/journey.sh at boot (two apache2
// sandboxes, one with a published port, three of the RPM fixture, one with a
// static label). Then the escape corpus (test/integration/escape/corpus.ts)
// runs in the VM through its agent, with no probe known open: every escape
// must be closed under enforcing SELinux. guest/finish.sh erases the package
// and powers off; the journey's results, doctor's report and the audit log are
// read back out of the image and asserted: every step passed, MCS denied each
// sandbox the other's tree with an AVC naming both levels, and no other AVC
// denial happened during the journey.
// Files are kept in build/vm-test/ (console.log, from-vm/) to look into.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { run } from '../../src/exec.js';
import { findProjectDir } from '../host/throwaway-host.js';
import { buildFixtureRpm } from '../fixtures/rpm/build.js';
import { parseAvcDenials, parseResults, type AvcDenial, type Results } from './results.js';
import { buildEscapeRpm } from '../integration/escape/fixture.js';
import { escapeCorpus } from '../integration/escape/corpus.js';
import type { ProbeHost } from '../integration/escape/runner.js';
import { connectAgent, vmProbeHost, type VmAgent } from './vm-host.js';
import { buildVmImage, readFromImage, startVm, type RunningVm, type VmImage } from './vm.js';

const project = findProjectDir();
const work = path.join(project, 'build/vm-test');
let results: Results;
let denials: AvcDenial[];
type DoctorReport = { checks: { name: string; status: string; detail: string }[] };
let doctor: DoctorReport;
let doctorNoTypes: DoctorReport;
let labels: { level: string; sandbox: string; onDisk: boolean; onProcess: boolean }[];

// Denials that Debian 12's own policy gives at every boot of this VM, from
// processes that are neither a sandbox, nor systemd starting one, nor the tool.
const UNRELATED_TO_SANDBOXES = [
  // agetty asks for CAP_CHECKPOINT_RESTORE, a capability newer than the policy
  { type: 'getty_t', comm: 'agetty' },
  // the getty generator probes the serial console the journey's login runs on
  { type: 'systemd_generator_t', comm: 'systemd-getty-g' },
];
const typeOf = (context: string) => context.split(':')[2] ?? '';

// What the journey checks, each of which must report ok.
const EXPECTED_OK = [
  'enforcing',
  'bad.nothing-written',
  'notypes.nothing-written',
  'create.web2',
  'create.demo1',
  'create.demo2',
  'create.static',
  'start',
  ...['apache2@web1', 'apache2@web2', 'sbxdemo@demo1', 'sbxdemo@demo2', 'sbxdemo@demo3'].flatMap((u) => [`active.${u}`, `nnp.${u}`]),
  ...['web1', 'web2', 'demo1', 'demo2', 'demo3'].flatMap((n) => [`process-label.${n}`, `tree-label.${n}`]),
  'serves.web1',
  'serves.web2',
  'demo-state.demo1',
  'demo-state.demo2',
  'demo-state.demo3',
  'static-level',
  'denied.web1-reads-web2',
  'denied.web1-lists-web2',
  'allowed.web1-reads-own',
  'allowed.web1-reads-usr-etc',
  'denied.demo1-reads-demo3',
  'journal.stdout',
  'journal.syslog',
  'journal.native',
  'logs',
  'exec.context',
  'exec.tree',
  'exec.pipe.out',
  'exec.pipe.in',
  'exec.pipe.err',
  'exec.pipe.exit',
  'exec.pipe.context',
  'exec.user',
  'publish.serves',
  'publish.proxy-label',
  'set.limits',
  'limits.memory-max',
  'limits.pids-max',
  'limits.sixth-task-refused',
  'set.lift',
  'run-label',
  'restorecon-keeps.web1',
  'restorecon-keeps.demo1',
  'stop.stopped-ones',
  'host-apache-active',
  'reload',
  'reload.running-demo1',
  'reload.running-web1',
  'reload.active',
  'reload.stopped-stay-stopped',
  'reload.stopped-not-reloaded',
  'stop',
  'delete',
  'delete.gone',
  'journey-done',
  'delete.all',
  'rpm-erase',
  'module-removed',
];

let vm: VmImage;
let running: RunningVm | undefined;
let agent: VmAgent | undefined;
let host: ProbeHost;
// qemu never outlives the test, whatever failed
process.on('exit', () => running?.kill());

// ---- the escape corpus, in the VM while its sandboxes run
const corpus = suite('escape corpus under enforcing SELinux');
corpus.before(async () => {
  await fs.rm(work, { recursive: true, force: true });
  await fs.mkdir(work, { recursive: true });
  const rpm = await run('bash', [path.join(project, 'contrib/build-rpm.sh')]);
  if (rpm.exitCode !== 0) throw new Error(`build-rpm.sh failed:\n${rpm.stderr}`);
  const fixture = await buildFixtureRpm(path.join(work, 'fixture'));
  const escape = await buildEscapeRpm(path.join(work, 'escape'));
  vm = await buildVmImage(path.join(work, 'image'), rpm.stdout.trim(), fixture, escape);
  const agentSocket = path.join(work, 'agent.sock');
  running = startVm(vm, { enforcing: true, timeoutMs: 40 * 60_000, consoleLog: path.join(work, 'console.log'), agentSocket });
  agent = await connectAgent(agentSocket);
  // the agent starts when the journey is done; a VM that stops first fails here with its console
  await Promise.race([agent.ready(30 * 60_000), running.exited.then(() => Promise.reject(new Error('the VM powered off before its agent started')))]);
  host = vmProbeHost(agent);
});
escapeCorpus(corpus, {
  host: () => host,
  knownOpen: [],
  harnessBound: [],
  rootDisk: async (h) => {
    const [maj, min] = (await h.ok("stat -L -c '%t %T' /dev/vda")).trim().split(' ').map((x) => parseInt(x, 16)) as [number, number];
    return { name: 'vda', maj, min };
  },
  // the kernel's command line hands PID 1 init= (and rootmnt=) from the initramfs
  pid1Environ: /^rootmnt=/m,
});
corpus.run();

// ---- the journey's results, read out of the image after finish.sh powered the VM off
const test = suite('journey under enforcing SELinux');
test.before(async () => {
  if (!running || !agent) throw new Error('the VM did not boot (see the escape corpus suite)');
  // finish.sh ends in poweroff: its own answer may never come back
  void agent.exec(['/root/vmtest/finish.sh'], { timeoutMs: 10 * 60_000 }).catch(() => {});
  await running.exited;
  agent.close();
  // every file the journey leaves is required: a missing one fails here, loudly, instead of reading as empty
  const read = async (p: string) => {
    const text = await readFromImage(vm, p);
    if (!text) throw new Error(`${p} is missing or empty in the VM image: see build/vm-test/console.log`);
    return text;
  };
  results = parseResults(await read('/root/vmtest/out/results'));
  denials = parseAvcDenials(await read('/root/vmtest/out/audit.log'));
  const report = async (p: string) => JSON.parse(await read(p)) as DoctorReport;
  doctor = await report('/root/vmtest/out/doctor.json');
  doctorNoTypes = await report('/root/vmtest/out/doctor-no-types.json');
  labels = JSON.parse(await read('/root/vmtest/out/labels.json')) as typeof labels;
  await readFromImage(vm, '/root/vmtest/out/audit-corpus.log'); // kept in from-vm/ to look into
  // The image is 4 GiB: keep what was read out of it, not the image.
  await fs.rm(vm.image, { force: true });
});
test.after(() => {
  agent?.close();
  running?.kill();
});

test('the VM ran with SELinux enforcing and the journey finished', () => {
  assert.is(results.data.get('enforce'), 'Enforcing');
  assert.ok(results.done, 'the journey did not finish: see build/vm-test/console.log');
});

test('every step of the journey passed under enforcing', () => {
  assert.equal(results.notOk, [], results.notOk.join('\n'));
  const missing = EXPECTED_OK.filter((name) => !results.ok.includes(name));
  assert.equal(missing, [], `steps that did not report ok: ${missing.join(', ')}`);
});

test('doctor: the policy module is installed and the container types are in the loaded policy', () => {
  const check = (name: string) => doctor.checks.find((c) => c.name === name);
  assert.is(results.data.get('doctor.exit'), '0', JSON.stringify(doctor.checks.filter((c) => c.status !== 'ok')));
  assert.is(check('selinux')?.status, 'ok', JSON.stringify(check('selinux')));
  assert.is(check('policy module')?.status, 'ok', JSON.stringify(check('policy module')));
  assert.match(check('policy module')?.detail ?? '', /^the loaded policy lets systemd start container_t under NoNewPrivileges= \(transition, nnp_transition\); sandbox_units is installed in \/var\/lib\/selinux\/default \(priority 200\)$/);
  assert.is(check('policy types')?.status, 'ok', JSON.stringify(check('policy types')));
  assert.match(check('policy types')?.detail ?? '', /container_t, container_file_t, container_ro_file_t/);
});

test('a policy without the container types: doctor fails saying how to get them, create refuses (exit 5) and writes nothing', () => {
  const types = doctorNoTypes.checks.find((c) => c.name === 'policy types');
  assert.is(types?.status, 'fail', JSON.stringify(types));
  assert.match(types?.detail ?? '', /^the loaded policy has no nosuch_container_t \(named by \/etc\/selinux\/default\/contexts\/lxc_contexts\)/);
  assert.match(types?.detail ?? '', /container-selinux.*make -f \/usr\/share\/selinux\/devel\/Makefile container\.pp && semodule -i container\.pp/);
  assert.match(results.data.get('doctor-no-types.exit') ?? 'missing', /^[1-9]\d*$/);
  assert.is(results.data.get('notypes.exit'), '5');
  assert.match(results.data.get('notypes.message') ?? '', /^sandbox: the loaded SELinux policy has no nosuch_container_t, the sandbox process type named by \/etc\/selinux\/default\/contexts\/lxc_contexts: run 'sandbox doctor' for the fix$/);
});

test('a label with another type than the sandbox type is refused with one line, exit 2, before anything is written', () => {
  assert.is(results.data.get('bad.exit'), '2');
  assert.match(results.data.get('bad.message') ?? '', /^sandbox: label 'system_u:system_r:nosuch_t:s0:c5,c6': a sandbox runs as system_u:system_r:container_t /);
  assert.ok(results.ok.includes('bad.nothing-written'));
});

test('with the module installed, create does not warn', () => {
  assert.is(results.data.get('create.web1.exit'), '0');
  const stderr = results.data.get('create.web1.stderr');
  assert.type(stderr, 'string', 'the journey recorded create\'s stderr');
  assert.not.match(stderr!, /warning/);
});

test('each running sandbox has its own level, in the container type; the static one has the level it was given', () => {
  const levels = ['web1', 'web2', 'demo1', 'demo2', 'demo3'].map((n) => results.data.get(`level.${n}`));
  assert.is(new Set(levels).size, 5, levels.join(' '));
  for (const n of ['web1', 'web2', 'demo1', 'demo2', 'demo3']) {
    assert.is(results.data.get(`process.${n}`), `system_u:system_r:container_t:${results.data.get(`level.${n}`)}`);
  }
  assert.is(results.data.get('level.demo3'), 's0:c700,c701');
});

test('sandbox labels: every running sandbox\'s level is seen on disk and on a process', () => {
  assert.is(results.data.get('labels.exit'), '0');
  assert.equal(labels.map((l) => [l.sandbox, l.level, l.onDisk, l.onProcess]).sort(), ['demo1', 'demo2', 'demo3', 'web1', 'web2'].map((n) => [n, results.data.get(`level.${n}`), true, true]));
});

test("MCS: the kernel denied sandbox A's context B's tree, with an AVC naming both levels", () => {
  for (const [a, b] of [['web1', 'web2'], ['demo1', 'demo3']] as const) {
    const la = results.data.get(`level.${a}`)!;
    const lb = results.data.get(`level.${b}`)!;
    const hit = denials.find((d) => d.scontext === `system_u:system_r:container_t:${la}` && d.tcontext === `system_u:object_r:container_file_t:${lb}`);
    assert.ok(hit, `no AVC denial of container_t:${la} on container_file_t:${lb} among:\n${denials.map((d) => d.line).join('\n')}`);
    assert.is(hit!.permissive, '0');
    assert.match(results.data.get(`probe.${a}-reads-${b}`) ?? '', /status=1 .*Permission denied/);
  }
});

test('systemd propagates a reload of the host service to running sandboxes only, also when the host service is stopped', () => {
  // reload.* steps are in EXPECTED_OK; the host's stopped sbxdemo.service makes systemctl exit 1, as the README says
  assert.is(results.data.get('reload.inactive-host.exit'), '1');
  assert.match(results.data.get('reload.demo1') ?? '', /^(\d+) -> (\d+)$/);
});

test('no other AVC denial: the sandboxed services and systemd needed nothing the module does not allow', () => {
  assert.is(results.data.get('audit.copy'), '0', 'the audit log was copied out');
  assert.ok(denials.length >= 2, `the probes' own denials are in the audit log (${denials.length} denials read)`);
  // Only the probes' own denials: A's level reading a file of B's, exactly.
  const level = (n: string) => results.data.get(`level.${n}`);
  const probes = [['web1', 'web2'], ['demo1', 'demo3']].map(([a, b]) => [`system_u:system_r:container_t:${level(a!)}`, `system_u:object_r:container_file_t:${level(b!)}`]);
  const isMcsProbe = (d: AvcDenial) =>
    d.comm === 'cat' && d.tclass === 'file' && d.perms.length > 0 && d.perms.every((p) => p === 'read' || p === 'open') && probes.some(([s, t]) => d.scontext === s && d.tcontext === t);
  const unexpected = denials.filter((d) => !isMcsProbe(d) && !UNRELATED_TO_SANDBOXES.some((u) => u.comm === d.comm && typeOf(d.scontext) === u.type));
  assert.equal(unexpected.map((d) => d.line), []);
});

test.run();
