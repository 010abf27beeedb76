// apply/: the effectors that write: atomic files and links, safe removal, the undo stack, crash points.
// An undo stack for a multi-step operation: each effect pushes how to take it
// back; on failure (a SIGINT/SIGTERM becomes one at the next step boundary:
// apply/interrupt.ts) the stack runs in reverse, so a failed create leaves
// nothing behind.
export class Undo {
  private readonly steps: { what: string; fn: () => Promise<unknown> }[] = [];

  push(what: string, fn: () => Promise<unknown>): void {
    this.steps.push({ what, fn });
  }

  /** Run every undo step, newest first; a failing step is reported and the rest still run. */
  async rollback(): Promise<void> {
    while (this.steps.length) {
      const s = this.steps.pop()!;
      try {
        await s.fn();
      } catch (e) {
        process.stderr.write(`sandbox: could not undo ${s.what}: ${(e as Error).message}\n`);
      }
    }
    this.done();
  }

  /** The operation succeeded: forget the undo steps. */
  done(): void {
    this.steps.length = 0;
  }
}
