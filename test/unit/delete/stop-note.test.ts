// What delete says before it stops a unit (issue 18: delete --force of squid
// waited 60 s in silence).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stopNote } from '../../../src/delete/stop-note.js';

test("a running unit: delete says it waits for the stop, and for how long at most (the unit's TimeoutStopSec=)", () => {
  assert.is(stopNote('squid@sq.service', 'active', 90), 'Stopping squid@sq.service: waiting for it to stop (up to 90 s, its TimeoutStopSec=, then systemd kills it), then killing what is left of it');
  assert.is(stopNote('x@y.service', 'deactivating', undefined), 'Stopping x@y.service: waiting for it to stop (no time limit: TimeoutStopSec=infinity), then killing what is left of it');
});

test('a stopped or failed unit: nothing to wait for', () => {
  assert.is(stopNote('x@y.service', 'inactive', 90), 'x@y.service is inactive: killing what is left of it');
  assert.is(stopNote('x@y.service', 'failed', 90), 'x@y.service is failed: killing what is left of it');
});

test.run();
