// The RPM as contrib/build-rpm.sh makes it (npm run rpm): its header, files,
// dependencies, rpmlint's verdict, and the installed layout actually running,
// installed with rpm --root into a temp dir. Nothing is installed on the host,
// and every rpm query uses a database inside the temp dir.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../../src/exec.js';
import { makePaths } from '../../../src/paths.js';
import { DEFAULT_TOOL_CONFIG, readToolConfig } from '../../../src/config/tool-config.js';
import { exportFakeSystemd, startPrivateBus } from '../systemd/private-bus.js';
import { PROJECT_DIR, helpText } from './help.js';

const pkg = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'package.json'), 'utf8')) as {
  version: string;
  license: string;
  engines: { node: string };
  dependencies: Record<string, string>;
};

let tmp = '';
let rpmFile = '';
let buildStdout = '';
/** The temp root the package is installed into. */
let unpacked = '';
/** The architecture rpm builds for here (the .rpm is not noarch: the helper is compiled). */
const arch = execFileSync('rpm', ['--eval', '%_arch'], { encoding: 'utf8' }).trim();

const rpm = (...args: string[]) => run('rpm', ['--dbpath', path.join(tmp, 'rpmdb'), ...args]);
const query = async (...args: string[]) => {
  const r = await rpm('-qp', ...args, rpmFile);
  assert.is(r.exitCode, 0, r.stderr);
  return r.stdout;
};

test.before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-rpm-package-'));
  const r = await run('bash', [path.join(PROJECT_DIR, 'contrib/build-rpm.sh')], { cwd: tmp });
  if (r.exitCode !== 0) throw new Error(`build-rpm.sh failed (${r.exitCode}):\n${r.stderr}`);
  buildStdout = r.stdout;
  rpmFile = r.stdout.trim();
  // Installed into a temp root, with its own database there: the package has
  // no scriptlets, so nothing runs inside it; --nodeps as the root is empty.
  unpacked = path.join(tmp, 'installed');
  await fs.mkdir(unpacked);
  // --noscripts: the temp root has no /bin/sh for %post (the VM test runs it for real).
  const x = await run('rpm', ['-i', '--root', unpacked, '--nodeps', '--noscripts', rpmFile]);
  if (x.exitCode !== 0) throw new Error(`rpm -i --root failed:\n${x.stdout}${x.stderr}`);
});
test.after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

test('build-rpm.sh prints only the path of the .rpm on stdout', async () => {
  assert.match(buildStdout, new RegExp(`^/\\S+/sandbox-[^/\\s]+\\.${arch}\\.rpm\n$`));
  assert.ok((await fs.stat(rpmFile)).isFile());
  assert.ok(rpmFile.startsWith(path.join(PROJECT_DIR, 'build') + '/'), rpmFile);
});

test("rpm -qip: name, version of package.json, license, URL, summary, the machine's architecture (the Landlock helper is compiled)", async () => {
  const info = await query('-i');
  const field = (name: string) => new RegExp(`^${name}\\s*: (.*)$`, 'm').exec(info)?.[1]?.trim();
  assert.is(field('Name'), 'sandbox');
  assert.is(field('Version'), pkg.version);
  assert.is(field('Architecture'), arch);
  assert.ok(field('License')!.startsWith(`${pkg.license} AND `), field('License'));
  assert.match(field('URL') ?? '', /^https?:\/\//);
  assert.match(field('Summary') ?? '', /SELinux.*systemd/);
});

test('rpm -qlp: the tool, its data, man page, completion, config and state dir', async () => {
  const files = (await query('-l')).split('\n').filter(Boolean);
  for (const f of [
    '/usr/bin/sandbox',
    '/usr/lib/sandbox',
    '/usr/lib/sandbox/sandbox.mjs',
    '/usr/lib/sandbox/package.json',
    '/usr/lib/sandbox/templates/sandbox-service.in',
    '/usr/lib/sandbox/templates/sandbox-instance.conf.in',
    '/usr/lib/sandbox/templates/sandboxes.target.in',
    '/usr/lib/sandbox/units',
    '/usr/lib/sandbox/units/profiles/default.conf',
    '/usr/lib/sandbox/units/profiles/strict.conf',
    '/usr/lib/sandbox/units/profiles/trusted.conf',
    '/usr/share/bash-completion/completions/sandbox',
    '/etc/sandbox',
    '/etc/sandbox/sandbox.conf',
    '/var/lib/sandbox',
    '/var/cache/sandbox',
    '/usr/share/selinux/packages/sandbox_units.cil',
    '/usr/libexec/sandbox/sandbox-landlock',
    '/usr/libexec/sandbox/sandbox-enter',
  ]) {
    assert.ok(files.includes(f), `${f} not in:\n${files.join('\n')}`);
  }
  assert.ok(files.some((f) => /^\/usr\/share\/man\/man8\/sandbox\.8(\.gz)?$/.test(f)), 'man page');
  assert.ok(files.some((f) => /^\/usr\/share\/licenses\/sandbox[^/]*\/LICENSE$/.test(f)), 'LICENSE');
  assert.ok(files.some((f) => /^\/usr\/share\/licenses\/sandbox[^/]*\/licenses\/yargs\/LICENSE$/.test(f)), "bundled yargs' license");
  assert.ok(files.some((f) => /^\/usr\/share\/doc\/sandbox[^/]*\/README\.md$/.test(f)), 'README.md');
});

test('modes and flags: wrapper 0755, state dir 0711, config noreplace', async () => {
  const lines = (await query('--queryformat', '[%{FILENAMES} %{FILEMODES:octal} %{FILEFLAGS:fflags}\n]')).split('\n');
  const of = (f: string) => lines.find((l) => l.startsWith(f + ' '))?.split(' ');
  assert.is(of('/usr/bin/sandbox')?.[1], '100755');
  assert.is(of('/usr/lib/sandbox/sandbox.mjs')?.[1], '100644');
  assert.is(of('/usr/libexec/sandbox/sandbox-landlock')?.[1], '100755');
  assert.is(of('/usr/libexec/sandbox/sandbox-enter')?.[1], '100755');
  assert.is(of('/var/lib/sandbox')?.[1], '40711');
  assert.is(of('/etc/sandbox/sandbox.conf')?.[2], 'cn');
});

test('the packaged Landlock helper runs and reports the Landlock ABI the kernel reports to a raw system call', async () => {
  const helper = await run(path.join(unpacked, 'usr/libexec/sandbox/sandbox-landlock'), ['--abi']);
  assert.is(helper.exitCode, 0, helper.stderr);
  const kernel = await run('python3', ['-c', 'import ctypes; print(max(ctypes.CDLL(None).syscall(444, None, 0, 1), 0))']);
  assert.is(kernel.exitCode, 0, kernel.stderr);
  assert.is(helper.stdout, kernel.stdout);
  // sandbox-enter was compiled from the packaged source: a usage error is its own one line and exit 2
  const enter = await run(path.join(unpacked, 'usr/libexec/sandbox/sandbox-enter'), ['--bogus', 'x']);
  assert.equal([enter.exitCode, enter.stderr], [2, 'sandbox-enter: unknown option --bogus\n']);
});

test('requires: Node.js of package.json engines, systemd, util-linux, attr, coreutils, rpm', async () => {
  const requires = (await query('--requires')).split('\n').map((l) => l.trim());
  const major = /\d+/.exec(pkg.engines.node)![0];
  for (const r of [`nodejs(engine) >= ${major}`, '/usr/bin/node', 'systemd', 'util-linux', 'attr', 'coreutils', 'rpm']) {
    assert.ok(requires.includes(r), `${r} not in:\n${requires.join('\n')}`);
  }
});

test('requires container-selinux where it exists (Fedora, RHEL), not on a distribution without it', async () => {
  const spec = path.join(PROJECT_DIR, 'build/rpm/SPECS/sandbox.spec');
  const specRequires = async (...defines: string[]) => {
    const r = await run('rpmspec', ['-q', '--requires', ...defines.flatMap((d) => ['--define', d]), spec], { env: { HOME: tmp } });
    assert.is(r.exitCode, 0, r.stderr);
    assert.ok(r.stdout.trim().length > 0, 'rpmspec listed requirements');
    return r.stdout;
  };
  assert.match(await specRequires('fedora 41'), /^container-selinux$/m);
  // …and before %post loads the module that builds on it
  const deptypes = await run('rpmspec', ['-q', '--qf', '[%{REQUIRENAME} %{REQUIREFLAGS:deptype}\\n]', '--define', 'fedora 41', spec], { env: { HOME: tmp } });
  assert.is(deptypes.exitCode, 0, deptypes.stderr);
  assert.match(deptypes.stdout, /^container-selinux post$/m);
  assert.match(await specRequires('rhel 9'), /^container-selinux$/m);
  assert.not.match(await specRequires(), /container-selinux/);
});

test('scriptlets: %post loads the policy module, %postun removes it only on erase', async () => {
  const scripts = await query('--scripts');
  const post = /postinstall scriptlet[^\n]*\n([\s\S]*?)(?=\n\S+ scriptlet|$)/.exec(scripts)?.[1] ?? '';
  const postun = /postuninstall scriptlet[^\n]*\n([\s\S]*?)(?=\n\S+ scriptlet|$)/.exec(scripts)?.[1] ?? '';
  assert.match(post, /semodule -X 200 -i \/usr\/share\/selinux\/packages\/sandbox_units\.cil/);
  assert.match(postun, /\$1 -eq 0/);
  assert.match(postun, /semodule -X 200 -r sandbox_units/);
  // The module shipped is the one in contrib/.
  assert.is(
    await fs.readFile(path.join(unpacked, 'usr/share/selinux/packages/sandbox_units.cil'), 'utf8'),
    await fs.readFile(path.join(PROJECT_DIR, 'contrib/selinux/sandbox_units.cil'), 'utf8'),
  );
});

test('provides: each dependency bundled, at the version in node_modules', async () => {
  const provides = await query('--provides');
  for (const name of Object.keys(pkg.dependencies)) {
    const { version } = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
    assert.ok(provides.includes(`bundled(npm(${name})) = ${version}`), `${name} ${version} in:\n${provides}`);
  }
});

test('rpmlint: no errors on the RPM and on the spec it was built from', async () => {
  const spec = path.join(PROJECT_DIR, 'build/rpm/SPECS/sandbox.spec');
  // rpmlint opens an rpm database under $HOME on Debian: keep it in the temp dir.
  const r = await run('rpmlint', ['-c', path.join(PROJECT_DIR, 'contrib/rpmlint.toml'), rpmFile, spec], {
    env: { HOME: tmp, XDG_CONFIG_HOME: path.join(tmp, 'config') },
  });
  const out = r.stdout + r.stderr;
  const warnings = out.split('\n').filter((l) => / W: /.test(l));
  if (warnings.length) console.log(`rpmlint warnings:\n${warnings.map((w) => '  ' + w.slice(0, 160)).join('\n')}`);
  assert.not.match(out, / E: /);
  assert.match(out, / 0 errors,/);
});

test('installed: the state dir is 0711, the config and the tool in place', async () => {
  assert.is((await fs.stat(path.join(unpacked, 'var/lib/sandbox'))).mode & 0o7777, 0o711);
  assert.is((await fs.stat(path.join(unpacked, 'usr/bin/sandbox'))).mode & 0o7777, 0o755);
  assert.ok((await fs.stat(path.join(unpacked, 'usr/lib/sandbox/units'))).isDirectory());
  assert.ok((await fs.stat(path.join(unpacked, 'etc/sandbox/sandbox.conf'))).isFile());
});

test('installed: the profiles are the checkout\'s units/profiles, as they are', async () => {
  const names = (await fs.readdir(path.join(PROJECT_DIR, 'units/profiles'))).sort();
  assert.equal(names, ['default.conf', 'strict.conf', 'trusted.conf']);
  for (const n of names) {
    assert.is(await fs.readFile(path.join(unpacked, 'usr/lib/sandbox/units/profiles', n), 'utf8'), await fs.readFile(path.join(PROJECT_DIR, 'units/profiles', n), 'utf8'), n);
  }
});

test('boot recovery: sandbox-recover.service installed as shipped in units/, enabled statically in sysinit.target.wants', async () => {
  const unitDir = path.join(unpacked, 'usr/lib/systemd/system');
  const installed = await fs.readFile(path.join(unitDir, 'sandbox-recover.service'), 'utf8');
  assert.is(installed, readFileSync(path.join(PROJECT_DIR, 'units/sandbox-recover.service'), 'utf8'));
  assert.match(installed, /^ExecStart=\/usr\/bin\/sandbox doctor --recover$/m);
  assert.match(installed, /^Before=sysinit\.target /m);
  assert.is(await fs.readlink(path.join(unitDir, 'sysinit.target.wants/sandbox-recover.service')), '../sandbox-recover.service');
  const files = (await query('-l')).split('\n');
  assert.ok(files.includes('/usr/lib/systemd/system/sysinit.target.wants/sandbox-recover.service'));
});

test('the wrapper runs the bundle with the system node', async () => {
  const wrapper = await fs.readFile(path.join(unpacked, 'usr/bin/sandbox'), 'utf8');
  assert.is(wrapper, '#!/bin/sh\nexec /usr/bin/node /usr/lib/sandbox/sandbox.mjs "$@"\n');
});

const bundle = () => path.join(unpacked, 'usr/lib/sandbox/sandbox.mjs');

test('installed layout: the bundle runs with plain node and finds its package.json and templates', async () => {
  const version = await run(process.execPath, [bundle(), '--version'], { cwd: tmp });
  assert.is(version.stdout.trim(), pkg.version);
  const help = await run(process.execPath, [bundle(), '--help'], { cwd: tmp });
  assert.is(help.stdout, helpText());
  const root = path.join(tmp, 'root');
  await fs.mkdir(root);
  const list = await run(process.execPath, [bundle(), '--root', root, 'list', '--json'], { cwd: tmp });
  assert.is(list.exitCode, 0, list.stderr);
  assert.equal(JSON.parse(list.stdout), []);
});

test('the bundled dbus-next reaches systemd: doctor over a private bus sees the fake manager', async () => {
  const bus = await startPrivateBus();
  const fake = await exportFakeSystemd(bus.address, () => 'signal-after-reply');
  try {
    const r = await run(process.execPath, [bundle(), 'doctor', '--json'], { cwd: tmp, env: { DBUS_SYSTEM_BUS_ADDRESS: bus.address } });
    const report = JSON.parse(r.stdout) as { checks: { name: string; status: string; data?: { version?: string } }[] };
    const systemd = report.checks.find((c) => c.name === 'systemd');
    assert.is(systemd?.status, 'ok', r.stdout + r.stderr);
    assert.is(systemd?.data?.version, '252-fake');
  } finally {
    fake.disconnect();
    bus.stop();
  }
});

test('the shipped man page renders without warnings', async () => {
  const page = (await fs.readdir(path.join(unpacked, 'usr/share/man/man8'))).find((f) => f.startsWith('sandbox.8'))!;
  const r = await run('man', ['--warnings', '-l', path.join(unpacked, 'usr/share/man/man8', page)], { env: { MANWIDTH: '80' } });
  assert.is(r.exitCode, 0);
  assert.is(r.stderr, '');
  assert.match(r.stdout, /^SANDBOX\(8\)/);
});

test('sandbox.conf: every key it lists, uncommented, gives the defaults', async () => {
  const text = await fs.readFile(path.join(unpacked, 'etc/sandbox/sandbox.conf'), 'utf8');
  const keys = [...text.matchAll(/^#(\w+) =/gm)].map((m) => m[1]);
  assert.equal(keys, ['categories', 'reserved', 'shared']);
  const root = path.join(tmp, 'conf-root');
  await fs.mkdir(path.join(root, 'etc/sandbox'), { recursive: true });
  await fs.writeFile(path.join(root, 'etc/sandbox/sandbox.conf'), text.replace(/^#(\w+ =)/gm, '$1'));
  assert.equal(await readToolConfig(makePaths(root)), DEFAULT_TOOL_CONFIG);
});

test.run();
