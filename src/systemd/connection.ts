// Connects to the system bus with a deadline. dbus-next emits 'error' for an
// unreachable socket (an unhandled 'error' would crash) and a failed Hello may
// never settle, so both are turned into one clear UnavailableError.
import type { MessageBus } from 'dbus-next';
import { UnavailableError } from '../errors.js';
import { withTimeout } from './timeout.js';

export type DBus = typeof import('dbus-next');
let loaded: Promise<DBus> | undefined;

/** dbus-next, loaded when a command first talks to systemd: commands that never do (--root, --help) do not pay for it. */
export function loadDbus(): Promise<DBus> {
  return (loaded ??= import('dbus-next').then((m) => (m as { default?: DBus }).default ?? m));
}

export async function connectBus(address: string, timeoutMs: number): Promise<MessageBus> {
  const dbus = await loadDbus();
  let bus: MessageBus;
  try {
    bus = dbus.sessionBus({ busAddress: address });
  } catch (e) {
    throw new UnavailableError(`cannot reach systemd over D-Bus at ${address}: ${(e as Error).message}`);
  }
  const connected = new Promise<void>((resolve, reject) => {
    bus.once('connect', () => resolve());
    bus.on('error', (e: Error) => reject(new UnavailableError(`cannot reach systemd over D-Bus at ${address}: ${e.message ?? e}`)));
  });
  try {
    await withTimeout(connected, timeoutMs, () => `cannot reach systemd over D-Bus at ${address}`);
  } catch (e) {
    try {
      bus.disconnect();
    } catch {
      /* already gone */
    }
    throw e;
  }
  return bus;
}
