// Which journal entries `logs` may show. Any process that can reach journald
// (a sandbox can: the journal's sockets are bound into it) sets any field it
// likes, SANDBOX_NAME= and UNIT= included; only the fields whose names start
// with '_' are journald's own, taken from the sender's kernel credentials,
// executable and cgroup. So:
// - a sandbox's own output is matched by _SYSTEMD_UNIT= of its units;
// - systemd's messages about a unit by UNIT= together with _PID=1;
// - the tool's entries (written by logger --journald, journal/write.ts) by
//   their SANDBOX_AUTH=, an HMAC under a key no sandbox can read (key.ts).
//   A sandbox that can read the journal could send a signed entry again, so
//   the signature also covers SANDBOX_PID=, which must be journald's _PID of
//   the sender (from the kernel), and SANDBOX_TIME=, which must be within
//   REPLAY_WINDOW_US of journald's own receive time; and the sender must not
//   be a sandbox unit (where journald saw its cgroup). A copy would have to
//   come from the same pid within the minute;
//   an entry without a signed time (written before the key or before
//   SANDBOX_TIME, or by a tool that could not read the key) is trusted by
//   SANDBOX_NAME= together with _UID=0 and _COMM=logger (and
//   _EXE, when journald could read it before logger exited), and only when
//   journald saw the sender's cgroup and it is no sandbox unit's: a root
//   process of a sandbox can run logger too (or call itself so), but not hide
//   its cgroup.
// (A sender with CAP_SYS_ADMIN can claim another pid in its credentials;
// sandboxes that keep that capability can forge even these.)

import { SIGNED_FIELDS, signedBy } from './key.js';

export const TOOL_COMM = 'logger';
const TOOL_EXES = new Set(['/usr/bin/logger', '/bin/logger']);

export type Fields = Record<string, unknown>;

/** journalctl match arguments (groups joined by '+', OR between groups; same-field values OR within a group). */
export function trustedMatches(name: string, units: string[]): string[] {
  const out: string[] = [];
  for (const u of units) out.push(`_SYSTEMD_UNIT=${u}`, '+', `UNIT=${u}`, '_PID=1', '+');
  // Not _COMM: journald may have missed it (key.ts); isTrusted decides.
  out.push(`SANDBOX_NAME=${name}`, '_UID=0');
  return out;
}

const field = (f: Fields, k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);

/** How long after signing journald may receive a signed entry (µs): logger is started right after, but a loaded host is slow. A second before covers clock steps. */
const REPLAY_WINDOW_US = { before: 1_000_000, after: 60_000_000 };

/** The signed fields as journalctl -o json gives them (a value that is not UTF-8 comes as bytes, and then cannot match). */
function signedValues(f: Fields): Record<string, string> {
  return Object.fromEntries(SIGNED_FIELDS.map((k) => [k, field(f, k) ?? '']));
}

/** Is the unit (or a cgroup path component) an instance of one of the sandboxes? */
function isSandboxUnit(unit: string, sandboxNames: Set<string>): boolean {
  const m = /^[^@/]+@([^/]+)\.service$/.exec(unit);
  return m !== null && sandboxNames.has(m[1]!);
}

/** The entry's trusted fields prove it belongs to sandbox `name` (units `units`); `sandboxNames` are all recorded sandboxes. */
export function isTrusted(f: Fields, name: string, units: string[], sandboxNames: Set<string>, key?: Buffer): boolean {
  const unit = field(f, '_SYSTEMD_UNIT');
  if (unit !== undefined && units.includes(unit)) return true;
  if (field(f, '_PID') === '1' && units.includes(field(f, 'UNIT') ?? '')) return true;
  if (field(f, 'SANDBOX_NAME') !== name) return false;
  const names = new Set([...sandboxNames, name]);
  const cgroup = field(f, '_SYSTEMD_CGROUP');
  const fromSandbox = (unit !== undefined && isSandboxUnit(unit, names)) || (cgroup?.split('/').some((c) => isSandboxUnit(c, names)) ?? false);
  const auth = field(f, 'SANDBOX_AUTH');
  if (key && auth !== undefined && field(f, 'SANDBOX_TIME') !== undefined) {
    return signedBy(key, signedValues(f), auth) && field(f, '_PID') === field(f, 'SANDBOX_PID') && timely(f) && !fromSandbox;
  }
  if (field(f, '_UID') !== '0' || field(f, '_COMM') !== TOOL_COMM) return false;
  const exe = field(f, '_EXE');
  if (exe !== undefined && !TOOL_EXES.has(exe)) return false;
  // A sender that exits at once may leave journald without its cgroup: then nothing proves where it came from.
  return cgroup !== undefined && !fromSandbox;
}

/** journald received the entry (its own __REALTIME_TIMESTAMP) within the window after the signed SANDBOX_TIME. */
function timely(f: Fields): boolean {
  const signed = field(f, 'SANDBOX_TIME');
  const received = field(f, '__REALTIME_TIMESTAMP');
  if (!signed || !received || !/^\d{1,19}$/.test(signed) || !/^\d{1,19}$/.test(received)) return false;
  const d = BigInt(received) - BigInt(signed);
  return d >= -BigInt(REPLAY_WINDOW_US.before) && d <= BigInt(REPLAY_WINDOW_US.after);
}
