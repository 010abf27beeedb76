// lifecycle/: start, stop and state of existing sandboxes.
// start/stop/restart/reload of sandboxes: one job per unit, all queued at once
// (as systemctl start A B C does) and waited for, logged to the journal; a
// failure shows the unit's last journal lines.
import type { SandboxRecord } from '../config/record.js';
import { isOurs } from '../layout.js';
import { logEvent, type SandboxEvent } from '../journal/write.js';
import type { Paths } from '../paths.js';
import { readJournal } from '../journal/read.js';
import { renderEntry } from '../journal/read.js';
import type { JobOutcome, JobVerb, SystemdClient } from '../systemd/client.js';
import { unitsOf } from './sandboxes.js';
import { SandboxError } from '../errors.js';
import { diedAfterStart, settle } from './settle.js';
import { throwFirstRejection } from '../settled.js';

export type Verb = 'start' | 'stop' | 'restart' | 'reload';

const DBUS_VERB: Record<Verb, JobVerb> = { start: 'StartUnit', stop: 'StopUnit', restart: 'RestartUnit', reload: 'ReloadUnit' };
const PAST: Record<Verb, string> = { start: 'Started', stop: 'Stopped', restart: 'Restarted', reload: 'Reloaded' };
const EXPECTED_STATE: Record<Verb, string[]> = {
  start: ['active', 'reloading'],
  restart: ['active', 'reloading'],
  reload: ['active', 'reloading'],
  stop: ['inactive', 'failed'],
};

export interface JobReport extends JobOutcome {
  sandbox: string;
  ok: boolean;
}

export function jobSucceeded(verb: Verb, o: JobOutcome): boolean {
  return o.result === 'done' && EXPECTED_STATE[verb].includes(o.activeState);
}

export function describeOutcome(verb: Verb, o: JobOutcome): string {
  if (jobSucceeded(verb, o)) return `${PAST[verb]} ${o.unit} (${o.activeState})`;
  return `Failed to ${verb} ${o.unit}: job ${o.result}, unit ${o.activeState}/${o.subState}`;
}

/**
 * Refuse to act on a sandbox whose unit file was removed by hand: systemd then
 * reports the unit not-found, or silently loads a vendor template of the same
 * name, which would run the service outside its sandbox.
 */
export async function requireLoadable(client: SystemdClient, r: SandboxRecord): Promise<void> {
  for (const u of unitsOf(r)) {
    const p = await client.unitProperties(u);
    const ours = p.loadState === 'loaded' && (await isOurs(p.fragmentPath));
    if (!ours) {
      const now = p.loadState === 'loaded' ? `systemd now loads ${p.fragmentPath} instead` : `it is ${p.loadState}`;
      throw new SandboxError(
        `sandbox '${r.name}': the unit file of ${u} is missing (its unit file was removed?): ${now}; 'sandbox delete ${r.name}' cleans up what is left, then create it again`,
      );
    }
  }
}


async function lastLines(unit: string): Promise<string[]> {
  try {
    return (await readJournal({ matches: [`_SYSTEMD_UNIT=${unit}`], keep: () => true }, 10)).map(renderEntry);
  } catch {
    return [];
  }
}

export async function runSandboxJobs(
  paths: Paths,
  client: SystemdClient,
  verb: Verb,
  records: SandboxRecord[],
  print: (line: string) => void,
): Promise<JobReport[]> {
  // Every sandbox is checked before any job is queued: a broken one stops the call before anything changes.
  throwFirstRejection(await Promise.allSettled(records.map((r) => requireLoadable(client, r))));
  const jobs = records.flatMap((r) => unitsOf(r).map((unit) => ({ r, unit })));
  const watch = verb === 'start' || verb === 'restart';
  const settled = await Promise.allSettled(
    jobs.map(async (j) => {
      const o = await client.runJob(DBUS_VERB[verb], j.unit);
      return { o, later: watch && jobSucceeded(verb, o) ? await settle(client, j.unit) : undefined };
    }),
  );
  const reports: JobReport[] = [];
  const events: SandboxEvent[] = [];
  for (const [i, { r, unit }] of jobs.entries()) {
    const s = settled[i]!;
    if (s.status === 'rejected') continue;
    const died = s.value.later && diedAfterStart(unit, s.value.later);
    const o = died ? { ...s.value.o, ...s.value.later } : s.value.o;
    const ok = jobSucceeded(verb, o) && !died;
    const line = died || describeOutcome(verb, o);
    print(line);
    if (!ok) for (const l of await lastLines(unit)) print(`    ${l}`);
    events.push({ name: r.name, unit, label: r.label, action: verb, message: `sandbox ${r.name}: ${line}`, priority: ok ? 6 : 3 });
    reports.push({ ...o, sandbox: r.name, ok });
  }
  await Promise.all(events.map((e) => logEvent(paths, e)));
  // A job systemd refused (no such unit, a D-Bus error): after the others are reported.
  throwFirstRejection(settled);
  return reports;
}

/** The sandboxes whose units are all running. */
export async function runningOnly(client: SystemdClient, records: SandboxRecord[]): Promise<SandboxRecord[]> {
  const out: SandboxRecord[] = [];
  for (const r of records) {
    const states = await Promise.all(unitsOf(r).map(async (u) => (await client.unitProperties(u)).activeState));
    if (states.every((s) => s === 'active' || s === 'reloading')) out.push(r);
  }
  return out;
}
