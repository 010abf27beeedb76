// The test VM's command channel (test/vm/vm-host.ts is the other end): after
// the journey, root's login shell on the serial console (unconfined_t, an
// admin's shell) runs this on the virtio port org.sandbox.agent. Each request
// is a JSON line {id, argv, input, timeoutMs}; each answer a JSON line {id,
// exitCode, stdout, stderr} (base64). Nothing but the test's own host can
// write to that port: it is a qemu chardev on the host's file system.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, openSync } from 'node:fs';
import { createInterface } from 'node:readline';

const PORT = '/dev/virtio-ports/org.sandbox.agent';
// One open, read and write: a virtio port takes one opener at a time.
const fd = openSync(PORT, 'r+');
const out = createWriteStream('', { fd, autoClose: false });
const answer = (a) => out.write(`${JSON.stringify(a)}\n`);
const b64 = (chunks) => Buffer.concat(chunks).toString('base64');

function run({ id, argv, input, timeoutMs }) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: { HOME: '/root', LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
  const stdout = [];
  const stderr = [];
  child.stdout.on('data', (d) => stdout.push(d));
  child.stderr.on('data', (d) => stderr.push(d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs ?? 120_000);
  child.on('error', (e) => {
    clearTimeout(timer);
    answer({ id, exitCode: 127, stdout: '', stderr: Buffer.from(`agent: ${e.message}\n`).toString('base64') });
  });
  child.on('close', (code, signal) => {
    clearTimeout(timer);
    answer({ id, exitCode: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), stdout: b64(stdout), stderr: b64(stderr), timedOut: signal === 'SIGKILL' });
  });
  child.stdin.on('error', () => {});
  child.stdin.end(input ? Buffer.from(input, 'base64') : undefined);
}

createInterface({ input: createReadStream('', { fd, autoClose: false }) }).on('line', (line) => {
  if (line.trim()) run(JSON.parse(line));
});
answer({ id: 0, ready: true });
