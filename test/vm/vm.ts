// The SELinux test VM from the host's side: build its image (build-image.sh),
// boot it under qemu with software emulation (its agent's port on a unix
// socket, vm-host.ts) until the guest powers it off, and read what the journey
// left in the image with debugfs (no loop mount).
import { spawn } from 'node:child_process';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/exec.js';

// Compiled to dist/test/vm/; the scripts stay in the source tree.
const VM_DIR = fileURLToPath(new URL('../../../test/vm/', import.meta.url));

/** Runs a program with its stderr passed through (progress), failing on a non-zero exit. */
function runLoud(program: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${program} ${args.join(' ')} exited ${code}`))));
  });
}

export interface VmImage {
  dir: string;
  image: string;
  kernel: string;
  initrd: string;
}

export async function buildVmImage(dir: string, sandboxRpm: string, fixtureRpm: string, escapeRpm: string): Promise<VmImage> {
  await runLoud('bash', [path.join(VM_DIR, 'build-image.sh'), dir, sandboxRpm, fixtureRpm, escapeRpm]);
  return { dir, image: path.join(dir, 'vm.img'), kernel: path.join(dir, 'vmlinuz'), initrd: path.join(dir, 'initrd.img') };
}

export interface BootOptions {
  enforcing: boolean;
  timeoutMs: number;
  /** The serial console is written here as it comes. */
  consoleLog: string;
  /** The host end of the guest agent's virtio port (guest/agent.mjs), a unix socket qemu listens on. */
  agentSocket: string;
}

export interface RunningVm {
  /** Settles when qemu exits: resolves after the guest powered itself off, rejects on a timeout or another exit. */
  exited: Promise<void>;
  /** Kills qemu if it still runs; idempotent. */
  kill(): void;
}

/**
 * Boots the image. `exited` settles when the VM powers itself off (-no-reboot
 * turns the guest's poweroff into qemu's exit); on a timeout qemu is killed and
 * it rejects with the console's tail.
 */
export function startVm(vm: VmImage, opts: BootOptions): RunningVm {
  const append = `root=/dev/vda rw console=ttyS0 selinux=1 security=selinux enforcing=${opts.enforcing ? 1 : 0} panic=-1`;
  // -accel kvm hangs on these machines (a nested "PVM" KVM): software emulation.
  const args = ['-accel', 'tcg,thread=multi', '-cpu', 'max', '-m', '2048', '-smp', '2', '-nographic', '-no-reboot', '-nic', 'none'];
  args.push('-kernel', vm.kernel, '-initrd', vm.initrd, '-append', append);
  args.push('-drive', `file=${vm.image},format=raw,if=virtio`);
  args.push('-device', 'virtio-serial-pci', '-chardev', `socket,id=agent,path=${opts.agentSocket},server=on,wait=off`);
  args.push('-device', 'virtserialport,chardev=agent,name=org.sandbox.agent');
  const log = createWriteStream(opts.consoleLog);
  const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs);
  const exited = (async () => {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    clearTimeout(timer);
    await new Promise((r) => log.end(r));
    if (timedOut || code !== 0) {
      const tail = (await fs.readFile(opts.consoleLog, 'utf8')).split('\n').slice(-30).join('\n');
      throw new Error(`the VM ${timedOut ? `did not power off within ${opts.timeoutMs / 1000} s` : `exited ${code}`}; console:\n${tail}`);
    }
  })();
  exited.catch(() => {}); // seen by whoever awaits it
  return {
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** A file of the (powered off) image's ext4 file system, or undefined if it is not there. */
export async function readFromImage(vm: VmImage, guestPath: string): Promise<string | undefined> {
  const out = path.join(vm.dir, 'from-vm', path.basename(guestPath));
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.rm(out, { force: true });
  await run('debugfs', ['-R', `dump ${guestPath} ${out}`, vm.image]);
  return fs.readFile(out, 'utf8').catch(() => undefined);
}
