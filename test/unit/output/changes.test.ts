// The one formatter of changes prints what enable and delete printed before it
// existed (systemctl's words), and systemd's unit-file changes map onto it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { changedPaths, formatChange } from '../../../src/output/changes.js';
import { asChange } from '../../../src/systemd/client.js';

test("systemd's unit-file changes print as systemctl prints them", () => {
  const link = asChange({ type: 'symlink', file: '/etc/systemd/system/x.wants/a@b.service', destination: '/etc/systemd/system/a@.service' });
  assert.equal(link, { kind: 'symlink', path: '/etc/systemd/system/x.wants/a@b.service', source: '/etc/systemd/system/a@.service' });
  assert.is(formatChange(link), 'Created symlink /etc/systemd/system/x.wants/a@b.service → /etc/systemd/system/a@.service.');
  const gone = asChange({ type: 'unlink', file: '/etc/systemd/system/x.wants/a@b.service', destination: '' });
  assert.is(formatChange(gone), 'Removed "/etc/systemd/system/x.wants/a@b.service".');
});

test('a one-line summary names every changed path in order', () => {
  assert.is(changedPaths([{ kind: 'unlink', path: '/a' }, { kind: 'unlink', path: '/b c' }]), '/a /b c');
  assert.is(changedPaths([]), '');
});

test.run();
