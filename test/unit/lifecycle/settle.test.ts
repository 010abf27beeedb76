// start reports what systemd reports a moment after the job (issue 18:
// tinyproxy was "Started … (active)" and dead 2 s later).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diedAfterStart, settle } from '../../../src/lifecycle/settle.js';
import type { SystemdClient } from '../../../src/systemd/client.js';

/** A client whose unit goes through the given states, one per read (the last one stays). */
function fakeClient(states: [string, string][]): { client: SystemdClient; reads: () => number } {
  let n = 0;
  const client = {
    unitProperties: async () => {
      const [activeState, subState] = states[Math.min(n++, states.length - 1)]!;
      return { activeState, subState };
    },
  } as unknown as SystemdClient;
  return { client, reads: () => n };
}

test('a unit that dies after its start job: settle returns at once with the dead state, and it is a failure', async () => {
  const { client, reads } = fakeClient([['active', 'running'], ['active', 'running'], ['failed', 'failed']]);
  const s = await settle(client, 'tinyproxy@t.service', 5000);
  assert.equal(s, { activeState: 'failed', subState: 'failed' });
  assert.is(reads(), 3);
  assert.is(diedAfterStart('tinyproxy@t.service', s, 2500), 'Failed to start tinyproxy@t.service: the start job finished, but within 2.5 s the unit was failed/failed');
});

test('a unit still running when the time is up is started; one restarting (activating/auto-restart) is not', async () => {
  const { client } = fakeClient([['active', 'running']]);
  const t0 = Date.now();
  const s = await settle(client, 'a@b.service', 600);
  assert.ok(Date.now() - t0 >= 600);
  assert.is(diedAfterStart('a@b.service', s), undefined);
  assert.match(diedAfterStart('a@b.service', { activeState: 'activating', subState: 'auto-restart' })!, /was activating\/auto-restart$/);
  assert.match(diedAfterStart('a@b.service', { activeState: 'inactive', subState: 'dead' })!, /was inactive\/dead$/);
});

test.run();
