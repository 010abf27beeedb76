import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MessageBus } from 'dbus-next';
import { SystemdClient } from '../../../src/systemd/client.js';
import { NotFoundError, UnavailableError } from '../../../src/errors.js';
import { exportFakeSystemd, startPrivateBus, type PrivateBus, type StartBehaviour } from './private-bus.js';

let bus: PrivateBus;
let fake: MessageBus;
let behaviour: StartBehaviour = 'signal-after-reply';

test.before(async () => {
  bus = await startPrivateBus();
  fake = await exportFakeSystemd(bus.address, () => behaviour);
});
test.after(() => {
  fake.disconnect();
  bus.stop();
});

test('start waits for its JobRemoved when the signal comes after the reply', async () => {
  behaviour = 'signal-after-reply';
  const c = await SystemdClient.connect({ address: bus.address });
  try {
    const r = await c.start('ok.service');
    assert.is(r.result, 'done');
    assert.is(r.activeState, 'active');
  } finally {
    c.close();
  }
});

test('start does not miss a JobRemoved that arrives before the StartUnit reply', async () => {
  behaviour = 'signal-before-reply';
  const c = await SystemdClient.connect({ address: bus.address, jobTimeoutMs: 3000 });
  try {
    for (let i = 0; i < 20; i++) {
      const r = await c.start(i % 2 ? 'fail.service' : 'ok.service');
      assert.is(r.result, i % 2 ? 'failed' : 'done');
      assert.is(r.activeState, i % 2 ? 'failed' : 'active');
    }
  } finally {
    c.close();
  }
});

test('a call that never gets an answer fails with a clear error within its timeout', async () => {
  behaviour = 'never-reply';
  const c = await SystemdClient.connect({ address: bus.address, callTimeoutMs: 300 });
  try {
    const t0 = Date.now();
    const e = await c.start('ok.service').then(() => undefined, (x: unknown) => x);
    assert.instance(e, UnavailableError);
    assert.match((e as Error).message, /StartUnit ok\.service .*no answer within 0\.3s/);
    assert.ok(Date.now() - t0 < 5000);
  } finally {
    c.close();
  }
});

test("systemd's NoSuchUnit becomes a NotFoundError naming the unit", async () => {
  behaviour = 'no-such-unit';
  const c = await SystemdClient.connect({ address: bus.address });
  try {
    const e = await c.start('nope.service').then(() => undefined, (x: unknown) => x);
    assert.instance(e, NotFoundError);
    assert.match((e as Error).message, /StartUnit nope\.service: no such unit/);
  } finally {
    c.close();
  }
});

test('an unreachable bus fails with an error naming the address', async () => {
  const address = 'unix:path=/nonexistent/sandbox-test.sock';
  const e = await SystemdClient.connect({ address, callTimeoutMs: 2000 }).then(() => undefined, (x: unknown) => x);
  assert.instance(e, UnavailableError);
  assert.match((e as Error).message, /unix:path=\/nonexistent\/sandbox-test\.sock/);
});

test('version() reads the Manager property', async () => {
  const c = await SystemdClient.connect({ address: bus.address });
  try {
    assert.is(await c.version(), '252-fake');
  } finally {
    c.close();
  }
});

test.run();
