// Work run side by side is waited for whole before any failure is acted on:
// an undo must not start while another part still writes.

/** The first failure, in the order the work was given (not the order it failed in). */
export function throwFirstRejection(settled: readonly PromiseSettledResult<unknown>[]): void {
  const first = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (first) throw first.reason;
}

/** Waits for every one; then throws the first one's error, if any. */
export async function allOrFirstError(work: readonly Promise<unknown>[]): Promise<void> {
  throwFirstRejection(await Promise.allSettled(work));
}
