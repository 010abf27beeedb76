// "Started" is what systemd says when the start job ends; a daemon that dies a
// moment later (tinyproxy without its /run directory: active, dead 2 s on) is
// a failed start all the same. After a start job, the unit is watched for a
// short while and what systemd reports then is the outcome.
import type { SystemdClient } from '../systemd/client.js';

/** How long a started unit is watched. A sandbox's Type=notify service runs as Type=exec: its job ends before it is ready. */
export const SETTLE_MS = 2500;
const POLL_MS = 250;

export interface Settled {
  activeState: string;
  subState: string;
}

const alive = (s: Settled) => s.activeState === 'active' || s.activeState === 'reloading' || s.activeState === 'activating';

/** The unit's state once it has run SETTLE_MS, or as soon as it is no longer alive. */
export async function settle(client: SystemdClient, unit: string, ms = SETTLE_MS): Promise<Settled> {
  const end = Date.now() + ms;
  for (;;) {
    const p = await client.unitProperties(unit);
    const s = { activeState: p.activeState, subState: p.subState };
    if (!alive(s) || Date.now() >= end) return s;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export function diedAfterStart(unit: string, s: Settled, ms = SETTLE_MS): string | undefined {
  if (s.activeState === 'active' || s.activeState === 'reloading') return undefined;
  return `Failed to start ${unit}: the start job finished, but within ${ms / 1000} s the unit was ${s.activeState}/${s.subState}`;
}
