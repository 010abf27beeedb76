// systemd/: the one D-Bus module: names, connection, calls, job waits.
// The systemd D-Bus client every command uses. Calls go out as raw messages
// (no introspection round trip per object); JobRemoved is read off the raw
// message stream into a JobTracker after one Subscribe().
import type { MessageBus } from 'dbus-next';
import { connectBus, loadDbus, type DBus } from './connection.js';
import { mapDBusError } from './dbus-errors.js';
import {
  DBUS_NAME,
  DBUS_PATH,
  MANAGER_IFACE,
  PROPERTIES_IFACE,
  SERVICE_IFACE,
  SYSTEMD_BUS_NAME,
  SYSTEMD_PATH,
  UNIT_IFACE,
  systemBusAddress,
} from './dbus-names.js';
import { JobTracker, type JobResult } from './job-tracker.js';
import {
  toListedUnit,
  toServiceProperties,
  toUnitProperties,
  str,
  type ListedUnit,
  type ServiceProperties,
  type UnitProperties,
  type VariantMap,
} from './properties.js';
import { withTimeout } from './timeout.js';
import type { Change } from '../apply/change.js';

export type JobVerb = 'StartUnit' | 'StopUnit' | 'RestartUnit' | 'ReloadUnit' | 'ReloadOrRestartUnit' | 'TryRestartUnit';

export interface JobOutcome {
  unit: string;
  result: JobResult;
  /** ActiveState after the job ended. */
  activeState: string;
  subState: string;
}

export interface UnitFileChange {
  type: string;
  file: string;
  destination: string;
}

/** systemd's unit-file change as the tool's change list has it. */
export function asChange(c: UnitFileChange): Change {
  return c.type === 'symlink' ? { kind: 'symlink', path: c.file, source: c.destination } : { kind: 'unlink', path: c.file };
}

export interface ClientOptions {
  address?: string;
  /** Deadline of one D-Bus call. */
  callTimeoutMs?: number;
  /** Deadline of one job (start, stop, …) from queueing to JobRemoved. */
  jobTimeoutMs?: number;
}

export class SystemdClient {
  private readonly jobs = new JobTracker();
  private subscription: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly dbus: DBus,
    private readonly bus: MessageBus,
    readonly address: string,
    private readonly callTimeoutMs: number,
    private readonly jobTimeoutMs: number,
  ) {
    bus.on('message', (msg) => {
      if (msg.type === dbus.MessageType.SIGNAL && msg.interface === MANAGER_IFACE && msg.member === 'JobRemoved') {
        const [, job, unit, result] = msg.body as [number, string, string, string];
        this.jobs.jobRemoved(job, unit, result);
      }
    });
  }

  static async connect(opts: ClientOptions = {}): Promise<SystemdClient> {
    const address = opts.address ?? systemBusAddress();
    const callTimeoutMs = opts.callTimeoutMs ?? 25_000;
    const bus = await connectBus(address, callTimeoutMs);
    const c = new SystemdClient(await loadDbus(), bus, address, callTimeoutMs, opts.jobTimeoutMs ?? 180_000);
    try {
      await c.getManagerProperty('Version');
    } catch (e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Disconnects; without this the process never exits. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.bus.disconnect();
  }

  private async call(path: string, iface: string, member: string, signature = '', body: unknown[] = [], destination = SYSTEMD_BUS_NAME): Promise<unknown[]> {
    const what = `${member}${body.length && typeof body[0] === 'string' ? ` ${body[0]}` : ''}`;
    const msg = new this.dbus.Message({ destination, path, interface: iface, member, signature, body });
    try {
      const reply = await withTimeout(this.bus.call(msg), this.callTimeoutMs, () => `${what} (systemd at ${this.address})`);
      return reply?.body ?? [];
    } catch (e) {
      throw mapDBusError(e, what);
    }
  }

  private manager(member: string, signature = '', body: unknown[] = []): Promise<unknown[]> {
    return this.call(SYSTEMD_PATH, MANAGER_IFACE, member, signature, body);
  }

  private async getAll(path: string, iface: string): Promise<VariantMap> {
    const [props] = await this.call(path, PROPERTIES_IFACE, 'GetAll', 's', [iface]);
    return props as VariantMap;
  }

  async getManagerProperty(name: string): Promise<unknown> {
    const [v] = await this.call(SYSTEMD_PATH, PROPERTIES_IFACE, 'Get', 'ss', [MANAGER_IFACE, name]);
    return (v as { value: unknown }).value;
  }

  async version(): Promise<string> {
    return String(await this.getManagerProperty('Version'));
  }

  /** Subscribe() once per connection so JobRemoved signals are sent to us. */
  /** Once per connection, however many jobs run at once. */
  private subscribe(): Promise<void> {
    return (this.subscription ??= this.addJobMatch());
  }

  private async addJobMatch(): Promise<void> {
    await this.call(DBUS_PATH, 'org.freedesktop.DBus', 'AddMatch', 's', [
      `type='signal',sender='${SYSTEMD_BUS_NAME}',interface='${MANAGER_IFACE}',member='JobRemoved'`,
    ], DBUS_NAME);
    await this.manager('Subscribe');
  }

  /** Queue a job for a unit and wait for that job to end. */
  async runJob(verb: JobVerb, unit: string, mode = 'replace'): Promise<JobOutcome> {
    await this.subscribe();
    const [job] = (await this.manager(verb, 'ss', [unit, mode])) as [string];
    let finished;
    try {
      finished = await withTimeout(this.jobs.wait(job), this.jobTimeoutMs, () => `${verb} ${unit}: job ${job} did not finish`);
    } catch (e) {
      this.jobs.forget(job);
      throw e;
    }
    const props = await this.unitProperties(unit);
    return { unit, result: finished.result, activeState: props.activeState, subState: props.subState };
  }

  start(unit: string): Promise<JobOutcome> {
    return this.runJob('StartUnit', unit);
  }
  stop(unit: string): Promise<JobOutcome> {
    return this.runJob('StopUnit', unit);
  }
  restart(unit: string): Promise<JobOutcome> {
    return this.runJob('RestartUnit', unit);
  }
  reload(unit: string): Promise<JobOutcome> {
    return this.runJob('ReloadUnit', unit);
  }

  /** Daemon reload; the reply comes when systemd has re-read its units. */
  async daemonReload(): Promise<void> {
    await this.manager('Reload');
  }

  /** Loads the unit if needed; a missing unit gives LoadState=not-found, not an error. */
  async loadUnit(name: string): Promise<string> {
    const [path] = await this.manager('LoadUnit', 's', [name]);
    return String(path);
  }

  /** Only loaded units; NotFoundError otherwise. */
  async getUnit(name: string): Promise<string> {
    const [path] = await this.manager('GetUnit', 's', [name]);
    return String(path);
  }

  async unitProperties(name: string): Promise<UnitProperties> {
    return toUnitProperties(await this.getAll(await this.loadUnit(name), UNIT_IFACE));
  }

  async serviceProperties(name: string): Promise<ServiceProperties> {
    return toServiceProperties(await this.getAll(await this.loadUnit(name), SERVICE_IFACE));
  }

  /** One call for many units (loaded ones only, as systemctl list-units). */
  async listUnitsByPatterns(patterns: string[], states: string[] = []): Promise<ListedUnit[]> {
    const [rows] = await this.manager('ListUnitsByPatterns', 'asas', [states, patterns]);
    return (rows as unknown[][]).map(toListedUnit);
  }

  /** Unit files matching patterns with their enablement state, in one call. */
  async listUnitFilesByPatterns(patterns: string[], states: string[] = []): Promise<{ path: string; state: string }[]> {
    const [rows] = await this.manager('ListUnitFilesByPatterns', 'asas', [states, patterns]);
    return (rows as [string, string][]).map(([path, state]) => ({ path, state }));
  }

  async enableUnitFiles(files: string[], runtime = false, force = false): Promise<UnitFileChange[]> {
    const [, changes] = await this.manager('EnableUnitFiles', 'asbb', [files, runtime, force]);
    return toChanges(changes);
  }

  async disableUnitFiles(files: string[], runtime = false): Promise<UnitFileChange[]> {
    const [changes] = await this.manager('DisableUnitFiles', 'asb', [files, runtime]);
    return toChanges(changes);
  }

  /** Send a signal to the unit's processes: who = 'main' | 'control' | 'all' (every process of its cgroup). */
  async killUnit(name: string, who: 'main' | 'control' | 'all', signal: number): Promise<void> {
    await this.manager('KillUnit', 'ssi', [name, who, signal]);
  }

  /** The unit's cgroup path below systemd's cgroup root; '' when it has none (inactive and empty). */
  async controlGroup(name: string): Promise<string> {
    return String(await this.unitProperty(name, SERVICE_IFACE, 'ControlGroup'));
  }

  /** TimeoutStopUSec= in seconds: how long systemd lets the unit stop before it kills it; undefined for infinity. */
  async stopTimeoutSec(name: string): Promise<number | undefined> {
    const v = await this.unitProperty(name, SERVICE_IFACE, 'TimeoutStopUSec');
    return typeof v === 'bigint' && v < 2n ** 63n ? Number(v / 1_000_000n) : undefined;
  }

  /** The slice the unit runs in (its cgroup's parent), even while it is inactive. */
  async slice(name: string): Promise<string> {
    return String(await this.unitProperty(name, SERVICE_IFACE, 'Slice'));
  }

  private async unitProperty(name: string, iface: string, prop: string): Promise<unknown> {
    const path = await this.loadUnit(name);
    const [v] = await this.call(path, PROPERTIES_IFACE, 'Get', 'ss', [iface, prop]);
    return (v as { value: unknown }).value ?? '';
  }

  async fragmentPath(name: string): Promise<string> {
    const path = await this.loadUnit(name);
    const [v] = await this.call(path, PROPERTIES_IFACE, 'Get', 'ss', [UNIT_IFACE, 'FragmentPath']);
    return str({ FragmentPath: v as never }, 'FragmentPath');
  }
}

function toChanges(rows: unknown): UnitFileChange[] {
  return (rows as [string, string, string][]).map(([type, file, destination]) => ({ type, file, destination }));
}

/** Connect, run, always disconnect (so the process can exit). */
export async function withSystemd<T>(fn: (c: SystemdClient) => Promise<T>, opts: ClientOptions = {}): Promise<T> {
  const c = await SystemdClient.connect(opts);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}
