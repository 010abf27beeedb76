// Issue 18's acceptance test: every common Debian server of the table, each
// sandboxed with a plain `sandbox create -u UNIT NAME` (no -P, no --copy),
// started, probed over its own protocol from inside the sandbox's network
// namespace, reloaded, probed again, stopped and deleted; then doctor finds
// nothing left. One line per service and "N of M services serve" are printed;
// the test fails if any service fails. The packages come from
// contrib/setup-debian.sh (disabled there, so the host's own copies stay down).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootSandboxHost, type SandboxHost } from './sandbox-host.js';

let h: SandboxHost;

interface Service {
  /** The unit a new user would name. */
  unit: string;
  /** The sandbox's unit systemd runs. */
  runs: string;
  /** A shell command run inside the sandbox's namespaces (network, and mount for sockets), and what its output must match. */
  probe: string;
  expect: RegExp;
  /** The vendor unit has ExecReload=. */
  reload: boolean;
  /** An admin's edit of the sandbox's own copy before the first start (the vendor config serves nothing). */
  prepare?: string;
  /** Namespaces the probe joins (default: network only). */
  ns?: string[];
}

const http = (url: string, proxy = '') => `curl -sS --max-time 5 ${proxy ? `-x ${proxy} ` : ''}-o /dev/null -w '%{http_code}\\n' ${url}`;
const banner = (port: number) => `timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}; head -n 1 <&3'`;

const SERVICES: Record<string, Service> = {
  apache: { unit: 'apache2.service', runs: 'apache2@apache.service', probe: http('http://127.0.0.1/'), expect: /^200$/, reload: true },
  named: { unit: 'named.service', runs: 'named@named.service', probe: 'dig +time=2 +tries=2 @127.0.0.1 localhost A', expect: /status: NOERROR[\s\S]*localhost\.\s+\d+\s+IN\s+A\s+127\.0\.0\.1/, reload: true },
  squid: { unit: 'squid.service', runs: 'squid@squid.service', probe: http('http://127.0.0.1:3128/squid-internal-static/icons/SN.png'), expect: /^200$/, reload: true },
  ssh: { unit: 'ssh.service', runs: 'ssh@ssh.service', probe: 'ssh-keyscan -T 5 -t ed25519 127.0.0.1 2>/dev/null', expect: /^127\.0\.0\.1 ssh-ed25519 AAAA/m, reload: true },
  cups: { unit: 'cups.service', runs: 'cups@cups.service', probe: http('http://127.0.0.1:631/'), expect: /^200$/, reload: false },
  mariadb: { unit: 'mariadb.service', runs: 'mariadb@mariadb.service', probe: 'mysqladmin --connect-timeout=5 ping 2>&1 && mysql -N -e "select 6*7" 2>&1', expect: /mysqld is alive\n42/, reload: false, ns: ['-m', '-n'] },
  samba: { unit: 'smbd.service', runs: 'smbd@samba.service', probe: 'timeout 10 smbclient -L 127.0.0.1 -N 2>&1', expect: /IPC\$\s+IPC/, reload: true },
  haproxy: {
    unit: 'haproxy.service',
    runs: 'haproxy@haproxy.service',
    prepare: "printf '\\nfrontend zoo\\n\\tbind 127.0.0.1:8404\\n\\thttp-request return status 200 content-type text/plain string zoo\\n' >> /var/lib/sandbox/haproxy/etc/haproxy/haproxy.cfg",
    probe: http('http://127.0.0.1:8404/'),
    expect: /^200$/,
    reload: true,
  },
  tinyproxy: { unit: 'tinyproxy.service', runs: 'tinyproxy@tinyproxy.service', probe: http('http://tinyproxy.stats/', 'http://127.0.0.1:8888'), expect: /^200$/, reload: true },
  vsftpd: { unit: 'vsftpd.service', runs: 'vsftpd@vsftpd.service', probe: banner(21), expect: /^220 /, reload: true },
  phpfpm: {
    unit: 'php8.2-fpm.service',
    runs: 'php8.2-fpm@phpfpm.service',
    // a script outside the sandbox's tree: the host's /var/www, read-only inside
    prepare: "mkdir -p /var/www/zoo && echo '<?php echo \"zoo-\" . (6 * 7);' > /var/www/zoo/zoo.php",
    probe: 'SCRIPT_FILENAME=/var/www/zoo/zoo.php REQUEST_METHOD=GET cgi-fcgi -bind -connect /run/php/php8.2-fpm.sock',
    expect: /zoo-42/,
    reload: true,
    ns: ['-m', '-n'],
  },
  postgresql: { unit: 'postgresql@15-main.service', runs: 'postgresql@postgresql.service', probe: 'pg_isready -h 127.0.0.1 -p 5432 -t 5', expect: /accepting connections/, reload: true },
  postfix: { unit: 'postfix@-.service', runs: 'postfix@postfix.service', probe: banner(25), expect: /^220 .*ESMTP/, reload: true },
  slapd: { unit: 'slapd.service', runs: 'slapd@slapd.service', probe: "ldapsearch -x -H ldap://127.0.0.1 -b '' -s base namingContexts 2>&1", expect: /namingContexts: dc=/, reload: false },
};

test.before(async () => {
  h = await bootSandboxHost('zoo-test');
});
test.after(async () => {
  await h?.stop();
});

interface Outcome {
  name: string;
  serves: boolean;
  detail: string;
  seconds: number;
}

async function probe(s: Service): Promise<{ ok: boolean; out: string }> {
  // Any process of the unit is in its namespaces: a Type=forking daemon whose PIDFile= the sandbox drops may have no main PID.
  const procs = await h.ok(`busctl --json=short call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager GetUnitProcesses s ${s.runs}`);
  const listed = (JSON.parse(procs) as { data: [[string, number, string][]] }).data[0];
  const pid = (await h.mainPid(s.runs)) || (listed[0]?.[1] ?? 0);
  if (!pid) return { ok: false, out: `${s.runs} runs no process` };
  const r = await h.exec(['nsenter', '-t', String(pid), ...(s.ns ?? ['-n']), 'sh', '-c', s.probe], { timeoutMs: 30_000 });
  const out = (r.stdout + r.stderr).trim();
  return { ok: r.exitCode === 0 && s.expect.test(out), out: `exit ${r.exitCode}: ${out.split('\n').slice(0, 3).join(' | ')}` };
}

async function probeWithin(s: Service, tries: number): Promise<{ ok: boolean; out: string }> {
  let r = await probe(s);
  for (let i = 1; i < tries && !r.ok; i++) {
    await new Promise((done) => setTimeout(done, 500));
    r = await probe(s);
  }
  return r;
}

/** Runs the whole journey for one service; the first step that fails says why. */
async function journey(name: string, s: Service): Promise<Outcome> {
  const t0 = Date.now();
  const result = (serves: boolean, detail: string): Outcome => ({ name, serves, detail, seconds: (Date.now() - t0) / 1000 });
  const step = async (what: string, ...args: string[]) => {
    const r = await h.sandbox(...args);
    return r.exitCode === 0 ? undefined : `${what} exited ${r.exitCode}: ${(r.stderr + r.stdout).trim().split('\n').slice(-6).join(' | ')}`;
  };
  const cleanup = async () => {
    await h.sandbox('delete', '--force', name);
  };
  let failed = await step('create', 'create', '-u', s.unit, name);
  if (failed) return result(false, failed);
  if (s.prepare) await h.ok(s.prepare);
  failed = await step('start', 'start', name);
  if (failed) return await cleanup(), result(false, failed);
  // Type=notify runs as Type=exec in a sandbox: started is not yet listening
  const first = await probeWithin(s, 20);
  if (!first.ok) return await cleanup(), result(false, `probe after start: ${first.out}`);
  const reload = await h.sandbox('reload', name);
  if ((reload.exitCode === 0) !== s.reload) return await cleanup(), result(false, `reload exited ${reload.exitCode} (expected ${s.reload ? 'success' : 'a refusal'}): ${reload.stdout}${reload.stderr}`);
  // a reload may restart workers: the service answers again within a few seconds
  const again = await probeWithin(s, 10);
  if (!again.ok) return await cleanup(), result(false, `probe after reload: ${again.out}`);
  failed = await step('stop', 'stop', name);
  if (failed) return await cleanup(), result(false, failed);
  const state = (await h.exec(['systemctl', 'is-active', s.runs])).stdout.trim();
  if (state !== 'inactive') return await cleanup(), result(false, `after stop: ${s.runs} is ${state}`);
  failed = await step('delete', 'delete', name);
  if (failed) return await cleanup(), result(false, failed);
  return result(true, `${first.out.slice(0, 60)}`);
}

test('every service of the table serves from its sandbox: create, start, probe, reload, probe, stop, delete; doctor finds nothing left', async () => {
  const outcomes: Outcome[] = [];
  for (const [name, s] of Object.entries(SERVICES)) {
    const o = await journey(name, s);
    outcomes.push(o);
    console.log(`${o.serves ? 'serves ' : 'FAILS  '} ${s.unit.padEnd(28)} ${o.seconds.toFixed(1).padStart(5)} s  ${o.detail}`);
  }
  const serving = outcomes.filter((o) => o.serves).length;
  console.log(`${serving} of ${outcomes.length} services serve`);
  const doctor = await h.sandbox('doctor', '--json');
  const report = JSON.parse(doctor.stdout) as { checks: { name: string; status: string; detail: string }[] };
  const consistency = report.checks.filter((c) => c.name === 'consistency');
  assert.equal(consistency, [{ name: 'consistency', status: 'ok', detail: '0 sandboxes: each has its tree, units and label; nothing is left over' }]);
  assert.is(await h.ok('ls -A /var/lib/sandbox | grep -v "^\\." || true'), '');
  assert.is(await h.ok('ls -A /run/sandbox 2>/dev/null || true'), '');
  assert.is(outcomes.length, Object.keys(SERVICES).length);
  assert.equal(outcomes.filter((o) => !o.serves).map((o) => `${o.name}: ${o.detail}`), []);
});

test.run();
