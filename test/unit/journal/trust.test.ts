// Which journal entries `sandbox logs` shows, and how their text is printed:
// decided on journald's trusted fields only, control characters escaped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isTrusted } from '../../../src/journal/trust.js';
import { journalFields } from '../../../src/journal/write.js';
import { escapeMessage } from '../../../src/journal/escape.js';
import { parseJournalLine, renderEntry } from '../../../src/journal/read.js';

const UNITS = ['apache2@web.service'];
const NAMES = new Set(['web', 'evil']);
const tool = { SANDBOX_NAME: 'web', _UID: '0', _COMM: 'logger', _EXE: '/usr/bin/logger', _SYSTEMD_CGROUP: '/user.slice/session-1.scope', _SYSTEMD_UNIT: 'session-1.scope' };
const trusted = (f: Record<string, unknown>) => isTrusted(f, 'web', UNITS, NAMES);

test("the sandbox's own output, and systemd's messages about its unit", () => {
  assert.ok(trusted({ _SYSTEMD_UNIT: 'apache2@web.service', MESSAGE: 'x' }));
  assert.ok(trusted({ _PID: '1', UNIT: 'apache2@web.service' }));
  assert.not.ok(trusted({ _PID: '4242', UNIT: 'apache2@web.service' }), 'UNIT= from anyone but PID 1');
  assert.not.ok(trusted({ _SYSTEMD_UNIT: 'apache2@evil.service', UNIT: 'apache2@web.service' }));
});

test("the tool's entries: root's logger, from no sandbox unit", () => {
  assert.ok(trusted(tool));
  assert.ok(trusted({ ...tool, _EXE: undefined }), 'journald may miss _EXE of a logger that exited');
  assert.ok(trusted({ ...tool, _SYSTEMD_UNIT: undefined, _SYSTEMD_CGROUP: '/testhost-exec' }));
  assert.not.ok(trusted({ ...tool, _UID: '65534' }));
  assert.not.ok(trusted({ ...tool, _COMM: 'python3' }));
  assert.not.ok(trusted({ ...tool, _EXE: '/tmp/logger' }));
  assert.not.ok(trusted({ ...tool, SANDBOX_NAME: 'other' }));
  assert.not.ok(trusted({ ...tool, _SYSTEMD_UNIT: 'apache2@evil.service', _SYSTEMD_CGROUP: '/system.slice/system-apache2.slice/apache2@evil.service' }));
  assert.not.ok(trusted({ ...tool, _SYSTEMD_UNIT: undefined, _SYSTEMD_CGROUP: '/system.slice/system-apache2.slice/apache2@evil.service/sub' }));
  assert.not.ok(trusted({ ...tool, _SYSTEMD_CGROUP: undefined }), 'no cgroup: nothing proves where it came from');
  assert.not.ok(trusted({ SANDBOX_NAME: 'web', UNIT: 'apache2@web.service', SYSLOG_IDENTIFIER: 'sandbox' }));
});

test("the tool's signed entries: trusted by their SANDBOX_AUTH whatever journald missed; a wrong or moved signature is not", () => {
  const key = Buffer.alloc(32, 7);
  const event = { name: 'web', unit: 'apache2@web.service', label: 's0:c1,c2', action: 'create', message: 'sandbox web: created' };
  // what logger --journald sends, as journalctl -o json gives it back: no _COMM, _EXE or cgroup (logger gone before journald looked)
  const entry = (fields: string): Record<string, string> => Object.fromEntries(fields.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const NOW = 1_790_000_000_000; // ms
  const at = (ms: number) => String(ms * 1000); // journald's __REALTIME_TIMESTAMP, µs
  const signed: Record<string, string> = { ...entry(journalFields(event, key, 4242, NOW)), _UID: '0', _PID: '4242', __REALTIME_TIMESTAMP: at(NOW + 40) };
  assert.match(String(signed.SANDBOX_AUTH), /^[0-9a-f]{64}$/);
  const withKey = (f: Record<string, unknown>, k = key) => isTrusted(f, 'web', UNITS, NAMES, k);
  assert.ok(withKey(signed));
  assert.not.ok(trusted(signed), 'without the key, the old rule: no _COMM, no trust');
  assert.not.ok(withKey(signed, Buffer.alloc(32, 8)), 'another key');
  assert.not.ok(withKey({ ...signed, MESSAGE: 'sandbox web: deleted' }), 'a signed entry with its message changed');
  assert.not.ok(withKey({ ...signed, SANDBOX_AUTH: 'f'.repeat(64) }));
  assert.not.ok(withKey({ ...signed, SANDBOX_AUTH: 'zz' }));
  const other: Record<string, string> = { ...entry(journalFields({ ...event, name: 'evil' }, key, 4242, NOW)), _UID: '0', _PID: '4242', __REALTIME_TIMESTAMP: at(NOW + 40) };
  assert.not.ok(withKey(other), "evil's entry is not web's");
  assert.not.ok(withKey({ ...other, SANDBOX_NAME: 'web' }), "evil's signature does not cover web's name");
  assert.ok(withKey(tool), 'an entry from before the key: the old rule');
});

test("a signed entry sent again is not the tool's: from another pid, received long after its signed time, from a sandbox unit, or with its time or pid changed", () => {
  const key = Buffer.alloc(32, 7);
  const NOW = 1_790_000_000_000;
  const at = (ms: number) => String(ms * 1000);
  const entry = (fields: string): Record<string, string> => Object.fromEntries(fields.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const signed: Record<string, string> = { ...entry(journalFields({ name: 'web', unit: 'apache2@web.service', label: 's0:c1,c2', action: 'start', message: 'sandbox web: started' }, key, 4242, NOW)), _UID: '0', _PID: '4242' };
  assert.is(signed.SANDBOX_TIME, at(NOW));
  assert.is(signed.SANDBOX_PID, '4242');
  const withKey = (f: Record<string, unknown>) => isTrusted(f, 'web', UNITS, NAMES, key);
  assert.ok(withKey({ ...signed, __REALTIME_TIMESTAMP: at(NOW + 59_000) }), 'a slow logger, within the window');
  assert.not.ok(withKey({ ...signed, __REALTIME_TIMESTAMP: at(NOW + 61_000) }), 'received a minute after it was signed: a replay');
  assert.not.ok(withKey({ ...signed, __REALTIME_TIMESTAMP: at(NOW - 2_000) }), 'received before it was signed');
  assert.not.ok(withKey({ ...signed }), 'no receive time');
  const late = { ...signed, __REALTIME_TIMESTAMP: at(NOW + 86_400_000) };
  assert.not.ok(withKey({ ...late, SANDBOX_TIME: at(NOW + 86_400_000) }), 'the time moved up to the replay: the signature no longer holds');
  // a replay in time, but from another process, or from the other sandbox's unit or cgroup (journald sets these from the sender)
  const timely: Record<string, string> = { ...signed, __REALTIME_TIMESTAMP: at(NOW + 100) };
  assert.not.ok(withKey({ ...timely, _PID: '5151' }), 'sent by another process');
  assert.not.ok(withKey({ ...timely, _PID: '5151', SANDBOX_PID: '5151' }), 'the pid changed to the sender: the signature no longer holds');
  assert.not.ok(withKey({ ...timely, _SYSTEMD_UNIT: 'apache2@evil.service' }));
  assert.not.ok(withKey({ ...timely, _SYSTEMD_CGROUP: '/system.slice/system-apache2.slice/apache2@evil.service/sub' }));
  assert.ok(withKey({ ...timely, _SYSTEMD_CGROUP: '/user.slice/session-1.scope' }));
  // signed before SANDBOX_TIME existed: judged like an unsigned entry (root's logger, a cgroup that is no sandbox's)
  const { SANDBOX_TIME: _t, SANDBOX_PID: _p, ...old } = timely;
  assert.not.ok(withKey(old), 'no time, no _COMM or cgroup: nothing proves it');
  assert.ok(withKey({ ...old, _COMM: 'logger', _SYSTEMD_CGROUP: '/user.slice/session-1.scope' }));
  assert.not.ok(withKey({ ...old, _COMM: 'logger', _SYSTEMD_CGROUP: '/system.slice/system-apache2.slice/apache2@evil.service' }));
});

test('control characters are escaped, text and tabs are kept, continuation lines indented', () => {
  const b = (s: string) => Buffer.from(s, 'utf8');
  assert.is(escapeMessage(b('clear\x1b[2J title\x1b]0;owned\x07 end'), 0), 'clear\\x1b[2J title\\x1b]0;owned\\a end');
  assert.is(escapeMessage(b('a\tb\rc\x7f\\d'), 0), 'a\tb\\rc\\x7f\\\\d');
  assert.is(escapeMessage(b('one\ntwo\n'), 4), 'one\n    two');
  assert.is(escapeMessage(b('grüße ✓ \u009b2J'), 0), 'grüße ✓ \\xc2\\x9b2J');
  assert.is(escapeMessage(Buffer.from([0x61, 0xff, 0x62]), 0), 'a\\xffb');
});

test('an entry is rendered with its identifier and message escaped', () => {
  const line = JSON.stringify({ __REALTIME_TIMESTAMP: '1700000000000000', SYSLOG_IDENTIFIER: 'x\x1b]0;t\x07', _PID: '7', MESSAGE: [0x68, 0x1b, 0x5b, 0x32, 0x4a, 0xff] });
  const out = renderEntry(parseJournalLine(line)!);
  assert.not.match(out, /[\x00-\x08\x0b-\x1f\x7f]/);
  assert.match(out, / x\\x1b\]0;t\\a\[7\]: h\\x1b\[2J\\xff$/);
});

test.run();
