// journal/: reading and writing the tool's journal entries.
// Reads the journal with journalctl -o json and renders entries like `journalctl -o short`.
import { execa } from 'execa';
import { run } from '../exec.js';
import { escapeMessage } from './escape.js';
import { isTrusted, trustedMatches } from './trust.js';

export interface JournalEntry {
  time: Date;
  identifier: string;
  pid?: string;
  message: string;
  /** The message's bytes as journald holds them. */
  raw: Buffer;
  fields: Record<string, unknown>;
}

function bytesOf(v: unknown): Buffer {
  // journald sends non-UTF-8 values as byte arrays
  return Array.isArray(v) ? Buffer.from(v as number[]) : Buffer.from(String(v ?? ''), 'utf8');
}

export function parseJournalLine(line: string): JournalEntry | undefined {
  if (!line.trim()) return undefined;
  const f = JSON.parse(line) as Record<string, unknown>;
  const us = Number(f.__REALTIME_TIMESTAMP ?? 0);
  const raw = bytesOf(f.MESSAGE);
  const message = raw.toString('utf8');
  return {
    raw,
    time: new Date(us / 1000),
    identifier: bytesOf(f.SYSLOG_IDENTIFIER ?? f._COMM ?? 'unknown').toString('utf8'),
    pid: f._PID !== undefined ? String(f._PID) : undefined,
    message,
    fields: f,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function renderEntry(e: JournalEntry): string {
  const t = e.time;
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${MONTHS[t.getMonth()]} ${two(t.getDate())} ${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`;
  const head = `${stamp} ${escapeMessage(Buffer.from(e.identifier), 0)}${e.pid ? `[${escapeMessage(Buffer.from(e.pid), 0)}]` : ''}: `;
  return head + escapeMessage(e.raw, head.length);
}

/** What `logs NAME` reads: the journalctl matches and the check every entry must pass (journal/trust.ts). */
export interface SandboxQuery {
  matches: string[];
  keep: (e: JournalEntry) => boolean;
}

export function sandboxQuery(name: string, units: string[], sandboxNames: Set<string>, key?: Buffer): SandboxQuery {
  return { matches: trustedMatches(name, units), keep: (e) => isTrusted(e.fields, name, units, sandboxNames, key) };
}

export async function readJournal(q: SandboxQuery, lines: number): Promise<JournalEntry[]> {
  const r = await run('journalctl', ['-o', 'json', '--no-pager', '-n', String(lines), ...q.matches]);
  if (r.exitCode !== 0) throw new Error(`journalctl failed: ${r.stderr.trim()}`);
  return r.stdout
    .split('\n')
    .map(parseJournalLine)
    .filter((e): e is JournalEntry => e !== undefined && q.keep(e));
}

/** Follow the journal until the process is interrupted. */
export async function followJournal(q: SandboxQuery, lines: number, print: (s: string) => void): Promise<void> {
  const child = execa('journalctl', ['-o', 'json', '--no-pager', '-f', '-n', String(lines), ...q.matches], { stdin: 'ignore', stderr: 'ignore', buffer: false, reject: false });
  let rest = '';
  child.stdout?.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) {
      const e = parseJournalLine(p);
      if (e && q.keep(e)) print(renderEntry(e));
    }
  });
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await child;
}
