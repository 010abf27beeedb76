import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mapDBusError } from '../../../src/systemd/dbus-errors.js';
import { ConflictError, ExitCode, NotFoundError, SandboxError, UnavailableError } from '../../../src/errors.js';

const err = (type: string, text = '') => ({ type, text, message: text });

test('NoSuchUnit → not found (exit 3) naming the call', () => {
  const e = mapDBusError(err('org.freedesktop.systemd1.NoSuchUnit', 'Unit x.service not found.'), 'StartUnit x.service');
  assert.instance(e, NotFoundError);
  assert.is((e as SandboxError).exitCode, ExitCode.notFound);
  assert.is((e as Error).message, 'StartUnit x.service: no such unit (Unit x.service not found.)');
});

test('masked and conflicting transactions → conflict (exit 4)', () => {
  assert.instance(mapDBusError(err('org.freedesktop.systemd1.UnitMasked', 'masked'), 'StartUnit a'), ConflictError);
  assert.instance(mapDBusError(err('org.freedesktop.systemd1.TransactionIsDestructive', 'x'), 'StopUnit a'), ConflictError);
});

test('access denied says to run as root', () => {
  const e = mapDBusError(err('org.freedesktop.DBus.Error.AccessDenied', 'no'), 'Reload') as SandboxError;
  assert.match(e.message, /permission denied \(run as root\)/);
  assert.is(e.exitCode, ExitCode.unavailable);
});

test('a dead peer → unavailable', () => {
  assert.instance(mapDBusError(err('org.freedesktop.DBus.Error.NoReply', 'x'), 'Reload'), UnavailableError);
});

test('an unknown D-Bus error keeps its short name and text', () => {
  const e = mapDBusError(err('org.freedesktop.systemd1.Weird', 'what'), 'Reload') as SandboxError;
  assert.is(e.message, 'Reload: Weird: what');
});

test('a non-D-Bus error passes through unchanged (a bug keeps its stack)', () => {
  const orig = new TypeError('x');
  assert.is(mapDBusError(orig, 'Reload'), orig);
});

test.run();
