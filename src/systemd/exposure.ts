// The exposure of a unit as systemd computes it (`systemd-analyze security`):
// 0.0 (confined) to 10.0 (exposed). Read from the command's last line, e.g.
// "→ Overall exposure level for apache2@a.service: 2.1 OK 🙂".
import { run } from '../exec.js';

export interface Exposure {
  /** e.g. 2.1 */
  level: number;
  /** systemd's word for it: OK, MEDIUM, EXPOSED, UNSAFE, … */
  verdict: string;
}

export function parseExposure(output: string): Exposure | undefined {
  const m = /Overall exposure level for \S+: (\d+(?:\.\d+)?) (\S+)/.exec(output);
  return m ? { level: Number(m[1]), verdict: m[2]! } : undefined;
}

/** undefined when systemd-analyze fails or prints no figure (the unit is not loaded, say). */
export async function unitExposure(unit: string): Promise<Exposure | undefined> {
  // A host without systemd-analyze still gets its status, with the figure unknown.
  const r = await run('systemd-analyze', ['security', '--no-pager', unit]).catch(() => undefined);
  return r?.exitCode === 0 ? parseExposure(r.stdout) : undefined;
}
