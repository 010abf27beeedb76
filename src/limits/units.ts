// A sandbox's limits as a drop-in of each of its units (45-limits.conf), a
// generated file like 50-sandbox.conf: systemd applies it, and shows it in
// `systemctl show` as MemoryMax=, CPUQuotaPerSecUSec=, TasksMax=, IOWeight=.
import { generatedHeader, limitsDropInPath } from '../layout.js';
import { formatLimits, hasLimits, limitLines, type Limits } from './spec.js';

export interface LimitsFile {
  path: string;
  content: string;
}

/** One drop-in per unit of the sandbox; none when it has no limits. */
export function limitsFiles(unitDir: string, version: string, name: string, units: string[], limits: Limits): LimitsFile[] {
  if (!hasLimits(limits)) return [];
  const body = `[Service]\n${limitLines(limits).join('\n')}\n`;
  return units.map((u) => ({
    path: limitsDropInPath(unitDir, u, name),
    content: `${generatedHeader(version, `for the limits of sandbox ${name} (${formatLimits(limits).join(' ')})`)}${body}`,
  }));
}
