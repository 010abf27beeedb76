// The registry lock. Node has no flock(), so the kernel lock is held by a child:
// util-linux `flock` locks the file and runs `cat`, which reads our stdin. When
// we finish we close stdin; if we are SIGKILLed the kernel closes it for us,
// cat exits and the lock is released. Nothing is ever judged stale by a
// time-out or a PID guess: the kernel owns the lock's lifetime.
import { spawn } from 'node:child_process';
import { UnavailableError } from '../errors.js';

export async function withLock<T>(lockFile: string, fn: () => Promise<T>, timeoutSeconds = 60): Promise<T> {
  // sh named, not -c: that runs $SHELL, and bash with a socket on stdin sources ~/.bashrc.
  const child = spawn('flock', ['--exclusive', '--timeout', String(timeoutSeconds), lockFile, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('locked\n')) resolve();
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new UnavailableError(`flock (util-linux) is needed to lock ${lockFile}: ${e.message}`)));
    void exited.then((code) => reject(new UnavailableError(`could not lock ${lockFile} within ${timeoutSeconds}s (flock exited ${code}${err ? `: ${err.trim()}` : ''})`)));
  });
  try {
    return await fn();
  } finally {
    child.stdin.end();
    await exited;
  }
}
