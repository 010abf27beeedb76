// What one test file's run counts for: pure, from its exit and its output.
export interface FileRun {
  file: string;
  /** null when killed by a signal */
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  timeoutSeconds: number;
  stdout: string;
}

export interface Verdict {
  passed: number;
  failed: number;
  skipped: number;
  /** One line per reason the file counts as failed, for the summary. */
  causes: string[];
}

/** A skip is allowed in CI only when the test's name says why it cannot run there. */
export const CI_SKIP_REASON = '[cannot run here: ';

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

function field(text: string, label: string): number | undefined {
  const m = text.match(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm'));
  return m ? Number(m[1]) : undefined;
}

function markers(text: string, kind: string): string[] {
  return [...text.matchAll(new RegExp(`^# runner-${kind}: (.*)$`, 'gm'))].map((m) => m[1]!);
}

export function verdict(run: FileRun, opts: { ci: boolean }): Verdict {
  const text = strip(run.stdout);
  const causes: string[] = [];
  const skipNames = markers(text, 'skipped');
  const onlyNames = markers(text, 'only');
  const hookFailures = markers(text, 'hook-failed');
  const total = field(text, 'Total');
  const passedField = field(text, 'Passed');
  if (run.timedOut) causes.push(`did not finish within ${run.timeoutSeconds} s (killed)`);
  if (total === undefined || passedField === undefined) {
    if (!run.timedOut) causes.push(`exited ${run.signal ?? run.code} without a summary (crashed, or threw at import: see its stderr above)`);
    return { passed: 0, failed: 1, skipped: skipNames.length, causes };
  }
  // uvu's Total leaves skipped tests out; tests filtered out by .only are in its Skipped
  let failed = total - passedField;
  if (failed > 0) causes.push(`${failed} test(s) failed`);
  for (const h of hookFailures) causes.push(h);
  if (hookFailures.length && failed === 0) failed = 1;
  if (total === 0 && skipNames.length === 0) {
    causes.push('ran no test');
    failed = Math.max(failed, 1);
  }
  if (onlyNames.length) {
    causes.push(`uses test.only (${onlyNames.join(', ')}): its other tests were filtered out`);
    failed += 1;
  }
  if (opts.ci) {
    const unexplained = skipNames.filter((n) => !n.includes(CI_SKIP_REASON));
    if (unexplained.length) {
      causes.push(`skipped in CI without saying why it cannot run here: ${unexplained.join(', ')}`);
      failed += unexplained.length;
    }
  }
  if (run.code !== 0 && causes.length === 0) {
    causes.push(`exited ${run.signal ?? run.code} although every test passed`);
    failed = 1;
  }
  if (run.timedOut && failed === 0) failed = 1;
  return { passed: passedField, failed, skipped: skipNames.length, causes };
}
