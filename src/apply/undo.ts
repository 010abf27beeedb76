// apply/: the effectors that write: atomic files and links, safe removal, the undo stack, crash points.
// The undo of a multi-step operation, built from its change list: each change
// is noted as it is begun (so a half-done one is undone too), and on failure
// (a SIGINT/SIGTERM becomes one at the next step boundary: apply/interrupt.ts)
// each noted change is taken back, newest first, by the operation's own
// `undoOf`, so a failed create leaves nothing behind.
import type { Change } from './change.js';

/** How one change is taken back; undefined: nothing to do (it went with a directory undone later, or was there before). */
export type UndoOf = (c: Change) => (() => Promise<unknown>) | undefined;

export class Undo {
  private readonly begun: Change[] = [];

  constructor(private readonly undoOf: UndoOf) {}

  /** Note changes before (or as) they are made; the same values, in the same order, as the planned list. */
  begin(...changes: Change[]): void {
    this.begun.push(...changes);
  }

  /** The changes made so far, in order. */
  get applied(): readonly Change[] {
    return this.begun;
  }

  /** Take back every noted change, newest first; a failing step is reported and the rest still run. */
  async rollback(): Promise<void> {
    for (const c of [...this.begun].reverse()) {
      try {
        await this.undoOf(c)?.();
      } catch (e) {
        process.stderr.write(`sandbox: could not undo ${c.kind} ${c.path}: ${(e as Error).message}\n`);
      }
    }
    this.begun.length = 0;
  }
}
