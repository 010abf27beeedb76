// Waits for a systemd job to finish. JobRemoved signals are recorded as they
// arrive, before anyone asks: dbus-next can deliver a job's JobRemoved before
// the reply of the StartUnit call that created it (seen 27 times in 50).

export type JobResult =
  | 'done'
  | 'canceled'
  | 'timeout'
  | 'failed'
  | 'dependency'
  | 'skipped'
  | 'invalid'
  | 'assert'
  | 'unsupported'
  | 'collected'
  | 'once';

export interface FinishedJob {
  job: string;
  unit: string;
  result: JobResult;
}

export class JobTracker {
  private readonly finished = new Map<string, FinishedJob>();
  private readonly waiting = new Map<string, (j: FinishedJob) => void>();

  /** Feed every JobRemoved signal here. */
  jobRemoved(job: string, unit: string, result: string): void {
    const j: FinishedJob = { job, unit, result: result as JobResult };
    const w = this.waiting.get(job);
    if (w) {
      this.waiting.delete(job);
      w(j);
    } else {
      this.finished.set(job, j);
    }
  }

  /** Resolves when the job is removed, also if that already happened. */
  wait(job: string): Promise<FinishedJob> {
    const early = this.finished.get(job);
    if (early) {
      this.finished.delete(job);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => this.waiting.set(job, resolve));
  }

  /** Forget a job nobody will wait for (e.g. after a timeout). */
  forget(job: string): void {
    this.waiting.delete(job);
    this.finished.delete(job);
  }

  get pending(): number {
    return this.waiting.size;
  }
}
