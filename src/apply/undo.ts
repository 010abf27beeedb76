// An undo stack for a multi-step operation: each effect pushes how to take it
// back; on failure or SIGINT/SIGTERM the stack runs in reverse, so a failed
// create leaves nothing behind.
export class Undo {
  private readonly steps: { what: string; fn: () => Promise<unknown> }[] = [];
  private readonly onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`sandbox: ${sig}: rolling back\n`);
    void this.rollback().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };

  constructor() {
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

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
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
  }
}
