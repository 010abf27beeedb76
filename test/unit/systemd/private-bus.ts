// A private dbus-daemon for unit tests of the D-Bus client: a real bus, with a
// fake systemd Manager on it whose behaviour each test chooses (e.g. emitting
// JobRemoved before the StartUnit reply, or never answering).
import { spawn, type ChildProcess } from 'node:child_process';
import dbus from 'dbus-next';
import type { MessageBus } from 'dbus-next';

export interface PrivateBus {
  address: string;
  stop(): void;
}

export async function startPrivateBus(): Promise<PrivateBus> {
  const child: ChildProcess = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1', '--nopidfile'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const address = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) resolve(line.trim());
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`dbus-daemon exited ${code}`)));
  });
  return { address, stop: () => child.kill('SIGTERM') };
}

export type StartBehaviour = 'signal-before-reply' | 'signal-after-reply' | 'never-reply' | 'no-such-unit';

/** Exports a minimal org.freedesktop.systemd1 on the bus. */
export async function exportFakeSystemd(address: string, behaviour: () => StartBehaviour): Promise<MessageBus> {
  const bus = dbus.sessionBus({ busAddress: address });
  const { Interface } = dbus.interface;
  let jobId = 0;
  class Manager extends Interface {
    Version = '252-fake';
    Subscribe(): void {}
    StartUnit(name: string, _mode: string): Promise<string> | string {
      const b = behaviour();
      if (b === 'no-such-unit') throw new dbus.DBusError('org.freedesktop.systemd1.NoSuchUnit', `Unit ${name} not found.`);
      const id = ++jobId;
      const path = `/org/freedesktop/systemd1/job/${id}`;
      const result = name.startsWith('fail') ? 'failed' : 'done';
      if (b === 'never-reply') return new Promise<string>(() => {});
      if (b === 'signal-before-reply') {
        (this as unknown as { JobRemoved: (...a: unknown[]) => void }).JobRemoved(id, path, name, result);
        return path;
      }
      setTimeout(() => (this as unknown as { JobRemoved: (...a: unknown[]) => void }).JobRemoved(id, path, name, result), 20);
      return path;
    }
    LoadUnit(name: string): string {
      return `/org/freedesktop/systemd1/unit/${name.replace(/[^A-Za-z0-9]/g, '_')}`;
    }
    JobRemoved(id: number, job: string, unit: string, result: string): unknown[] {
      return [id, job, unit, result];
    }
  }
  Manager.configureMembers({
    properties: { Version: { signature: 's', access: 'read' } },
    methods: {
      Subscribe: { inSignature: '', outSignature: '' },
      StartUnit: { inSignature: 'ss', outSignature: 'o' },
      LoadUnit: { inSignature: 's', outSignature: 'o' },
    },
    signals: { JobRemoved: { signature: 'uoss' } },
  });
  class Unit extends Interface {
    ActiveState = 'active';
    SubState = 'running';
    Id = '';
  }
  Unit.configureMembers({
    properties: {
      ActiveState: { signature: 's', access: 'read' },
      SubState: { signature: 's', access: 'read' },
      Id: { signature: 's', access: 'read' },
    },
  });
  const manager = new Manager('org.freedesktop.systemd1.Manager');
  bus.export('/org/freedesktop/systemd1', manager);
  for (const n of ['ok.service', 'fail.service']) {
    const u = new Unit('org.freedesktop.systemd1.Unit');
    u.ActiveState = n.startsWith('fail') ? 'failed' : 'active';
    bus.export(manager.LoadUnit(n), u);
  }
  await bus.requestName('org.freedesktop.systemd1', 0);
  return bus;
}
