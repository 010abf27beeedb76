import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JobTracker } from '../../../src/systemd/job-tracker.js';

test('a job removed before anyone waits is still found', async () => {
  const t = new JobTracker();
  t.jobRemoved('/job/1', 'a.service', 'done');
  const j = await t.wait('/job/1');
  assert.equal(j, { job: '/job/1', unit: 'a.service', result: 'done' });
});

test('a waiter is woken by its own job only', async () => {
  const t = new JobTracker();
  let woke = '';
  const p = t.wait('/job/2').then((j) => (woke = j.result));
  t.jobRemoved('/job/3', 'b.service', 'failed');
  await Promise.resolve();
  assert.is(woke, '');
  t.jobRemoved('/job/2', 'a.service', 'canceled');
  await p;
  assert.is(woke, 'canceled');
  assert.is(t.pending, 0);
});

test('forget drops an early result', async () => {
  const t = new JobTracker();
  t.jobRemoved('/job/4', 'a.service', 'done');
  t.forget('/job/4');
  let settled = false;
  void t.wait('/job/4').then(() => (settled = true));
  await new Promise((r) => setTimeout(r, 10));
  assert.is(settled, false);
});

test.run();
