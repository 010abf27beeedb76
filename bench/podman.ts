// The peer an admin compares us with: `podman run -d --rootfs` of the same
// apache2 from the host's own root, as containment-facts.md found it runs in
// the throwaway host (crun, vfs storage, no network, --cgroups=disabled for the
// hybrid cgroup layout, the root bound elsewhere because pivot_root refuses /).
// Its time is until `podman run -d` returns; that apache answers is checked
// after, untimed (the tool's time includes systemd's start, which waits for
// apache's fork: the comparison favours podman).
import { BenchFailure, must, timed } from './host-bench.js';
import type { SandboxHost } from '../test/integration/sandbox-host.js';

export interface PodmanPeer {
  /** Runs one container NAME, checks it serves, removes it; returns the timed ms. */
  run(name: string): Promise<number>;
}

const ROOTFS = '/srv/sbx-podman-root';
const DOCROOT = '/srv/sbx-podman-www';

const runCommand = (name: string) =>
  `podman run -d --name ${name} --cgroups=disabled --network none --read-only --read-only-tmpfs=true ` +
  `-v ${DOCROOT}:/var/www/html:ro --tmpfs /run/apache2 --tmpfs /var/log/apache2 --tmpfs /var/lock ` +
  `--rootfs ${ROOTFS} /usr/sbin/apachectl -DFOREGROUND`;

async function verifyAndRemove(h: SandboxHost, name: string): Promise<void> {
  const pid = (await must(h, `podman inspect -f '{{.State.Pid}}' ${name}`)).trim();
  const code = (
    await must(h, `for i in $(seq 50); do c=$(nsenter -t ${pid} -n curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://127.0.0.1/); [ "$c" = 200 ] && break; sleep 0.1; done; echo "$c"`)
  ).trim();
  await must(h, `podman rm -f -t 0 ${name} >/dev/null`);
  if (code !== '200') throw new BenchFailure(`podman container ${name} does not serve: HTTP '${code}'`);
}

/** The peer, ready in the host; undefined (with the reason on stdout) where podman cannot run. */
export async function podmanPeer(h: SandboxHost): Promise<PodmanPeer | undefined> {
  const setup = await h.sh(
    [
      'command -v podman >/dev/null || { echo "podman is not installed (contrib/setup-debian.sh installs it)"; exit 1; }',
      'mkdir -p /etc/containers && printf \'[storage]\\ndriver = "vfs"\\nrunroot = "/run/containers/storage"\\ngraphroot = "/var/lib/containers/storage"\\n\' > /etc/containers/storage.conf',
      // podman sets net.ipv4.ping_group_range in every container by default; the host's /proc/sys is read-only to crun here.
      'printf \'[containers]\\ndefault_sysctls = []\\n\' > /etc/containers/containers.conf',
      `mkdir -p ${ROOTFS} ${DOCROOT} && mountpoint -q ${ROOTFS} || mount --bind / ${ROOTFS}`,
      `cp /var/www/html/index.html ${DOCROOT}/`,
    ].join(' && '),
  );
  if (setup.exitCode !== 0) return skip((setup.stdout + setup.stderr).trim());
  // One trial run: where podman cannot run (no crun, no user namespaces), say why and go on without it.
  const trial = await h.sh(`${runCommand('pm-trial')} 2>&1`);
  if (trial.exitCode !== 0) {
    await h.sh('podman rm -f -t 0 pm-trial');
    return skip(trial.stdout.trim().split('\n').slice(-3).join(' '));
  }
  await verifyAndRemove(h, 'pm-trial');
  return {
    async run(name) {
      const ms = await timed(h, runCommand(name));
      await verifyAndRemove(h, name);
      return ms;
    },
  };
}

function skip(why: string): undefined {
  console.log(`podman peer skipped: ${why}`);
  return undefined;
}
