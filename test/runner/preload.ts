// Loaded into every test process before its test file (node --import). uvu
// hides three things from its summary: a `before`/`after` hook that throws
// (its error is swallowed and the file exits 0), which tests `test.skip`
// left out, and that `test.only` filtered the rest out (counted as skipped).
// This marks each on stdout, one line each, for the runner to count.
import { test } from 'uvu';

type Hook = (state: unknown) => unknown;
type Handler = (...args: unknown[]) => unknown;
const t = test as unknown as Record<string, Handler> & { before: Handler & { each: Handler }; after: Handler & { each: Handler } };

function marker(kind: string, text: string): void {
  process.stdout.write(`\n# runner-${kind}: ${text.replace(/\n/g, '\n#   ')}\n`);
}

function guarded(kind: string, fn: Hook): Hook {
  return async (state) => {
    try {
      return await fn(state);
    } catch (e) {
      marker('hook-failed', `${kind} hook threw: ${(e as Error)?.stack ?? String(e)}`);
      throw e;
    }
  };
}

for (const kind of ['before', 'after'] as const) {
  const original = t[kind];
  const each = original.each;
  const wrapped = ((fn: Hook) => original(guarded(kind, fn))) as Handler & { each: Handler };
  wrapped.each = (fn: unknown) => each(guarded(`${kind}.each`, fn as Hook));
  t[kind] = wrapped;
}

const skip = t.skip!;
t.skip = (name: unknown, ...rest: unknown[]) => {
  marker('skipped', String(name));
  return skip(name, ...rest);
};
const only = t.only!;
t.only = (name: unknown, ...rest: unknown[]) => {
  marker('only', String(name));
  return only(name, ...rest);
};
