// What a doctor check returns (ok, warn or fail with one line) and how the checks are printed.
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  /** One line saying why. */
  detail: string;
  /** Extra machine-readable facts for --json. */
  data?: Record<string, unknown>;
}

export const ok = (name: string, detail: string, data?: Record<string, unknown>): Check => ({ name, status: 'ok', detail, data });
export const warn = (name: string, detail: string, data?: Record<string, unknown>): Check => ({ name, status: 'warn', detail, data });
export const fail = (name: string, detail: string, data?: Record<string, unknown>): Check => ({ name, status: 'fail', detail, data });

export function formatChecks(checks: Check[]): string {
  const w = Math.max(...checks.map((c) => c.name.length));
  return checks.map((c) => `${c.status.toUpperCase().padEnd(4)}  ${c.name.padEnd(w)}  ${c.detail}`).join('\n') + '\n';
}
