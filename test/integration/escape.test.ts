// The escape corpus (issue 13, escape/corpus.ts) on the throwaway systemd host:
// systemd 252, SELinux off, this machine's kernel. What the namespaces,
// capabilities, seccomp and Landlock cannot close here is listed in KNOWN_OPEN
// with its reason; the enforcing-SELinux VM runs the same corpus with nothing open.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { test } from 'uvu';
import { buildEscapeRpm } from './escape/fixture.js';
import { escapeCorpus, type Listed } from './escape/corpus.js';
import { bootSandboxHost, type SandboxHost } from './sandbox-host.js';

/**
 * The kernel's Landlock ABI, asked with the raw system call from python, not
 * with the tool's helper (landlock_create_ruleset(NULL, 0,
 * LANDLOCK_CREATE_RULESET_VERSION): 444 on x86_64; an error means none).
 */
function kernelLandlockAbi(): number {
  const out = execFileSync('python3', ['-c', 'import ctypes; print(max(ctypes.CDLL(None).syscall(444, None, 0, 1), 0))'], { encoding: 'utf8' });
  return Number(out.trim());
}
const LANDLOCK_ABI = kernelLandlockAbi();

/**
 * Escapes that systemd 252 without SELinux cannot close, on this kernel; each
 * must be closed under enforcing SELinux. A Landlock domain per command
 * (src/landlock/) closes the /proc/PID/root one on any Landlock kernel and the
 * kill ones from ABI 6 (Linux 6.12).
 */
const KNOWN_OPEN: Listed[] = [
  ...(LANDLOCK_ABI >= 2 ? [] : [{
    probe: "/proc/PID/root of the neighbour sandbox's process",
    reason:
      'both sandboxes run as uid 0 with the same capability set, so the kernel ptrace access check behind /proc/PID/root passes ' +
      `(same uid, permitted set not larger); PrivatePIDs= needs systemd 257, and this kernel's Landlock (ABI ${LANDLOCK_ABI}) gives no domain`,
  }]),
  ...(LANDLOCK_ABI >= 6 ? [] : [{
    probe: "kill the neighbour sandbox's process",
    reason: `kill(2) needs no capability between processes of the same uid (root to root); no PID namespace per sandbox on systemd 252, and Landlock ABI ${LANDLOCK_ABI} < 6 has no signal scope`,
  }, {
    probe: 'kill a host process',
    reason:
      'kill(2) needs no capability between processes of the same uid (root to root), the PID namespace is the host\'s ' +
      `(PrivatePIDs= needs systemd 257), and Landlock ABI ${LANDLOCK_ABI} < 6 has no signal scope`,
  }]),
];

/** Contained here by the test host itself, whatever the sandbox does: only the SELinux VM tests them for real. */
const HARNESS_BOUND: Listed[] = [
  { probe: 'read /dev/kmsg', reason: 'the test host runs without CAP_SYSLOG and kernel.dmesg_restrict=1, and its /dev has no kmsg' },
  { probe: 'raw device /dev/mem', reason: 'the test host runs without CAP_SYS_RAWIO, which reading /dev/mem needs (and this kernel answers ENXIO: no /dev/mem)' },
];

let h: SandboxHost;
let work: string;

test.before(async () => {
  work = mkdtempSync('/var/tmp/sbx-escape-fixture-');
  // Built while the host boots: the bind of `work` shows the package once written.
  const [rpm, host] = await Promise.allSettled([buildEscapeRpm(work), bootSandboxHost('escape-test', [work])]);
  if (host.status === 'fulfilled') h = host.value; // so test.after stops it whatever failed
  if (rpm.status === 'rejected') throw rpm.reason;
  if (host.status === 'rejected') throw host.reason;
  await h.ok(`rpm -i --nodeps ${rpm.value} && systemctl daemon-reload`);
});
test.after(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

escapeCorpus(test, {
  host: () => h,
  knownOpen: KNOWN_OPEN,
  harnessBound: HARNESS_BOUND,
  // The machine's root block device under the test host's overlay.
  rootDisk: async () => {
    const dev = statSync('/').dev;
    const [maj, min] = [(dev >> 8) & 0xfff, (dev & 0xff) | ((dev >> 12) & 0xfff00)];
    const name = /^DEVNAME=(.*)$/m.exec(readFileSync(`/sys/dev/block/${maj}:${min}/uevent`, 'utf8'))?.[1];
    if (!name) throw new Error(`no block device behind / (${maj}:${min})`);
    return { name, maj, min };
  },
  // boot.sh starts the test host's systemd with container=NAME
  pid1Environ: /^container=/m,
});

test.run();
