// The rules of a batch create (src/create/batch.ts): which name lists are
// refused before anything is read, and the one-line error when one sandbox fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { batchError, checkBatch, existingError } from '../../../src/create/batch.js';
import { ConflictError, ExitCode, SandboxError, UsageError } from '../../../src/errors.js';

const dynamic = { kind: 'dynamic' } as const;

test('a name given twice, no name, or a static label for several sandboxes is a usage error', () => {
  assert.throws(() => checkBatch(['a', 'b', 'a'], dynamic), (e: unknown) => e instanceof UsageError && /'a' is named twice/.test(e.message));
  assert.throws(() => checkBatch([], dynamic), (e: unknown) => e instanceof UsageError);
  assert.throws(() => checkBatch(['a', 'b'], { kind: 'static', label: 's0:c1,c2' }), (e: unknown) => e instanceof UsageError && /one at a time/.test(e.message));
  checkBatch(['a'], { kind: 'static', label: 's0:c1,c2' });
  checkBatch(['a', 'b', 'c'], dynamic);
});

test('existing names are one conflict naming them all; none is none', () => {
  assert.is(existingError([]), undefined);
  assert.is(existingError(['a'])!.message, "sandbox 'a' already exists");
  const e = existingError(['a', 'c'])!;
  assert.ok(e instanceof ConflictError);
  assert.is(e.message, "sandboxes 'a', 'c' already exist");
});

test('the failure of #3 of 5: one line with what was created, what failed and what was not attempted, and its exit code', () => {
  const cause = new SandboxError('copying /etc/x failed: No space left on device');
  const e = batchError(['s1', 's2', 's3', 's4', 's5'], 's3', ['s1', 's2'], cause);
  assert.is(e.message, "creating sandbox 's3' failed (rolled back): copying /etc/x failed: No space left on device; created: s1 s2; not attempted: s4 s5");
  assert.is(e.exitCode, ExitCode.failure);
  assert.not.match(e.message, /\n/);
  const conflict = batchError(['s1', 's2'], 's1', [], new ConflictError('taken'));
  assert.is(conflict.message, "creating sandbox 's1' failed (rolled back): taken; none was created; not attempted: s2");
  assert.is(conflict.exitCode, ExitCode.conflict);
  assert.is(batchError(['s1', 's2'], 's2', ['s1'], cause).message, "creating sandbox 's2' failed (rolled back): copying /etc/x failed: No space left on device; created: s1");
});

test('a single create fails with its own error, unchanged', () => {
  const cause = new ConflictError("sandbox 'x' already exists");
  assert.is(batchError(['x'], 'x', [], cause), cause);
});

test.run();
