// Reads the journal with journalctl -o json and renders entries like `journalctl -o short`.
import { execa } from 'execa';
import { run } from '../exec.js';

export interface JournalEntry {
  time: Date;
  identifier: string;
  pid?: string;
  message: string;
  fields: Record<string, unknown>;
}

export function parseJournalLine(line: string): JournalEntry | undefined {
  if (!line.trim()) return undefined;
  const f = JSON.parse(line) as Record<string, unknown>;
  const us = Number(f.__REALTIME_TIMESTAMP ?? 0);
  const msg = f.MESSAGE;
  // journald sends non-UTF-8 messages as byte arrays
  const message = Array.isArray(msg) ? Buffer.from(msg as number[]).toString('utf8') : String(msg ?? '');
  return {
    time: new Date(us / 1000),
    identifier: String(f.SYSLOG_IDENTIFIER ?? f._COMM ?? 'unknown'),
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
  return `${stamp} ${e.identifier}${e.pid ? `[${e.pid}]` : ''}: ${e.message}`;
}

/**
 * journalctl match arguments: the units' own output, systemd's messages about
 * them (UNIT= from PID 1, as `journalctl -u` does), or the tool's entries.
 */
export function sandboxMatches(name: string, units: string[]): string[] {
  const out: string[] = [];
  for (const u of units) out.push(`_SYSTEMD_UNIT=${u}`, '+', `UNIT=${u}`, '_PID=1', '+');
  out.push(`SANDBOX_NAME=${name}`);
  return out;
}

export async function readJournal(matches: string[], lines: number): Promise<JournalEntry[]> {
  const r = await run('journalctl', ['-o', 'json', '--no-pager', '-n', String(lines), ...matches]);
  if (r.exitCode !== 0) throw new Error(`journalctl failed: ${r.stderr.trim()}`);
  return r.stdout.split('\n').map(parseJournalLine).filter((e): e is JournalEntry => e !== undefined);
}

/** Follow the journal until the process is interrupted. */
export async function followJournal(matches: string[], lines: number, print: (s: string) => void): Promise<void> {
  const child = execa('journalctl', ['-o', 'json', '--no-pager', '-f', '-n', String(lines), ...matches], { stdin: 'ignore', stderr: 'ignore', buffer: false, reject: false });
  let rest = '';
  child.stdout?.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) {
      const e = parseJournalLine(p);
      if (e) print(renderEntry(e));
    }
  });
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await child;
}
