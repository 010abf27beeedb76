// `npm run demo`: the whole journey of an admin, run for real in a throwaway
// systemd host (so it works where systemd is not PID 1, and changes nothing on
// this machine): two apache2 sandboxes created, started, each serving its own
// page, reloaded through apache2.service, inspected, and deleted.
import { bootHost, findProjectDir } from './host/throwaway-host.js';
import path from 'node:path';

const cli = path.join(findProjectDir(), 'dist/src/cli.js');
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

if (process.getuid?.() !== 0) {
  console.error('npm run demo boots a throwaway systemd host and needs root');
  process.exit(1);
}

console.log(bold('# Booting a throwaway systemd host (its own PID 1 and system D-Bus, on an overlay of this machine)...'));
const host = await bootHost({ name: 'sandbox-demo' });
let failed = false;

async function step(comment: string, command: string, expectOk = true): Promise<string> {
  console.log(`\n${bold(`# ${comment}`)}\n$ ${command}`);
  const r = await host.sh(command.replace(/^sandbox /, `node ${cli} `).replace(/([;&|] *)sandbox /g, `$1node ${cli} `));
  process.stdout.write(r.stdout + r.stderr);
  if (expectOk && r.exitCode !== 0) {
    console.log(`(exit ${r.exitCode})`);
    failed = true;
  }
  return r.stdout;
}

try {
  await step('Is this host ready for sandboxes?', 'sandbox doctor', false);
  await step('What would a sandbox of apache2 be? (nothing is written)', 'sandbox create --dry-run -u apache2.service apache1 | head -30');
  await step('Create two sandboxes of apache2', 'sandbox create -u apache2.service apache1 && sandbox create -u apache2.service apache2');
  await step('Give each its own page (in its own copy of /var/www)', 'echo "I am apache1" > /var/lib/sandbox/apache1/var/www/html/index.html; echo "I am apache2" > /var/lib/sandbox/apache2/var/www/html/index.html');
  await step('Start both', 'sandbox start apache1 apache2');
  await step('The generated units', 'systemctl cat apache2@apache1.service | head -60');
  for (const n of ['apache1', 'apache2']) {
    await step(
      `${n} serves its own page on port 80 inside its private network namespace`,
      `nsenter -t $(systemctl show -p MainPID --value apache2@${n}.service) -n curl -sS http://127.0.0.1/`,
    );
  }
  await step('Only lo exists in a sandbox', 'nsenter -t $(systemctl show -p MainPID --value apache2@apache1.service) -n ip -brief link');
  await step('systemctl reload apache2.service reaches every running sandbox', 'systemctl reload apache2.service; sleep 1; journalctl -u apache2@apache1.service -u apache2@apache2.service -o cat --no-pager | grep Reload');
  await step('Status of one sandbox', 'sandbox status apache1');
  await step('All sandboxes', 'sandbox list');
  await step('Their labels: no two alike', 'sandbox labels');
  await step('Logs of a sandbox: its service and the tool', 'sandbox logs apache1 -n 15');
  await step('Delete refuses a running sandbox...', 'sandbox delete apache1', false);
  await step('...unless --force', 'sandbox delete --force apache1 apache2');
  await step('Nothing is left', 'sandbox list; ls -A /etc/sandbox; ls /etc/systemd/system | grep apache2 || echo "(no apache2 units)"');
} finally {
  await host.stop();
}
console.log(`\n${bold(failed ? '# The demo hit an error (see above).' : '# Done: the throwaway host is gone, this machine is unchanged.')}`);
process.exit(failed ? 1 : 0);
