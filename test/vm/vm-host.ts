// The running test VM as a host the tests drive: commands go to the guest
// agent (guest/agent.mjs) over the VM's virtio port, run as root in an
// admin's context (unconfined_t), and come back with their exit code and
// output. It answers what the escape corpus asks of a host (ProbeHost).
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecOptions, ExecResult } from '../host/throwaway-host.js';
import type { ProbeHost } from '../integration/escape/runner.js';

interface Answer {
  id: number;
  ready?: boolean;
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
}

export interface VmAgent {
  /** Resolves once the agent runs (after the guest's journey), or rejects after timeoutMs. */
  ready(timeoutMs: number): Promise<void>;
  exec(argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  close(): void;
}

/** Connects to qemu's end of the agent's port; qemu must have been started with it. */
export async function connectAgent(socketPath: string): Promise<VmAgent> {
  let sock: net.Socket | undefined;
  for (let i = 0; i < 100 && !sock; i++) {
    sock = await new Promise<net.Socket | undefined>((resolve) => {
      const s = net.connect(socketPath);
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(undefined));
    });
    if (!sock) await sleep(100);
  }
  if (!sock) throw new Error(`cannot connect to the VM's agent port ${socketPath}`);
  const pending = new Map<number, (a: Answer) => void>();
  let onReady: (() => void) | undefined;
  let isReady = false;
  let buf = '';
  sock.setEncoding('utf8');
  sock.on('data', (d: string) => {
    buf += d;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      const a = JSON.parse(line) as Answer;
      if (a.ready) {
        isReady = true;
        onReady?.();
      } else pending.get(a.id)?.(a);
    }
  });
  let next = 1;
  const s = sock;
  return {
    ready: (timeoutMs) =>
      isReady
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const t = setTimeout(() => reject(new Error(`the VM's agent did not start within ${timeoutMs / 1000} s`)), timeoutMs);
            onReady = () => {
              clearTimeout(t);
              resolve();
            };
          }),
    exec: (argv, opts = {}) =>
      new Promise<ExecResult>((resolve, reject) => {
        const id = next++;
        const timeoutMs = opts.timeoutMs ?? 120_000;
        pending.set(id, (a) => {
          pending.delete(id);
          const r = { exitCode: a.exitCode, stdout: Buffer.from(a.stdout, 'base64').toString(), stderr: Buffer.from(a.stderr, 'base64').toString() };
          if (a.timedOut) reject(new Error(`'${argv.join(' ')}' in the VM was killed after ${timeoutMs / 1000} s: ${r.stdout}${r.stderr}`));
          else resolve(r);
        });
        const input = opts.input === undefined ? undefined : Buffer.from(opts.input).toString('base64');
        s.write(`${JSON.stringify({ id, argv, input, timeoutMs })}\n`);
      }),
    close: () => s.destroy(),
  };
}

/** The VM as the escape corpus's host; `sandbox` is the installed RPM's. */
export function vmProbeHost(agent: VmAgent): ProbeHost {
  const sh = (script: string, opts?: ExecOptions) => agent.exec(['sh', '-c', script], opts);
  const ok = async (script: string) => {
    const r = await sh(script);
    if (r.exitCode !== 0) throw new Error(`'${script}' exited ${r.exitCode} in the VM: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  return {
    exec: (argv, opts) => agent.exec(argv, opts),
    sh,
    ok,
    sandbox: (...args) => agent.exec(['sandbox', ...args]),
    mainPid: async (unit) => Number((await ok(`systemctl show -p MainPID --value ${unit}`)).trim()),
  };
}
