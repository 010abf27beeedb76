// Journal entries about sandboxes, with fields SANDBOX_NAME/UNIT/LABEL/ACTION so
// `journalctl SANDBOX_NAME=apache1` shows a sandbox's history. Node cannot send
// AF_UNIX datagrams, so util-linux's `logger --journald` writes the entry.
import { run } from '../exec.js';
import type { Paths } from '../paths.js';
import { journalKey, signFields } from './key.js';

export interface SandboxEvent {
  name: string;
  unit: string;
  label: string;
  action: string;
  message: string;
  priority?: number;
}

/**
 * KEY=VALUE lines for logger --journald, signed with key when there is one
 * (key.ts), with the time of signing (µs) and the sending logger's pid among
 * the signed fields; a newline in a value would start a new field, so it is folded.
 */
export function journalFields(e: SandboxEvent, key: Buffer | undefined, senderPid: number, nowMs = Date.now()): string {
  const clean = (v: string) => v.replace(/\n/g, ' ');
  const values: Record<string, string> = {
    MESSAGE: clean(e.message),
    PRIORITY: String(e.priority ?? 6),
    SYSLOG_IDENTIFIER: 'sandbox',
    SANDBOX_NAME: clean(e.name),
    SANDBOX_UNIT: clean(e.unit),
    SANDBOX_LABEL: clean(e.label),
    SANDBOX_ACTION: clean(e.action),
    SANDBOX_TIME: String(Math.round(nowMs * 1000)),
    SANDBOX_PID: String(senderPid),
  };
  if (key) values.SANDBOX_AUTH = signFields(key, values);
  return Object.entries(values).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

/** Best effort: a host without journald still runs sandboxes; the failure is reported once on stderr. */
export async function logEvent(paths: Paths, e: SandboxEvent): Promise<void> {
  try {
    const key = await journalKey(paths, true);
    // Signed once logger's pid is known: journald records the sender's pid itself (_PID), from the kernel.
    const r = await run('logger', ['--journald'], { input: (pid) => journalFields(e, key, pid) });
    if (r.exitCode !== 0) process.stderr.write(`sandbox: warning: could not write to the journal: ${r.stderr.trim()}\n`);
  } catch (err) {
    process.stderr.write(`sandbox: warning: could not write to the journal: ${(err as Error).message}\n`);
  }
}
