// Names of systemd's D-Bus API, in one place.
// What the API does not say (see shared notes, checked on systemd 252):
// - JobRemoved may be delivered before the reply of the call that queued the job,
//   so jobs are tracked from the raw message stream, never per call.
// - GetUnit fails for a unit that is not loaded; LoadUnit answers LoadState=not-found.
// - EnableUnitFiles does not reload the daemon: call Reload() after.
// - A start whose Condition fails still ends 'done': look at ActiveState after.
export const SYSTEMD_BUS_NAME = 'org.freedesktop.systemd1';
export const SYSTEMD_PATH = '/org/freedesktop/systemd1';
export const MANAGER_IFACE = 'org.freedesktop.systemd1.Manager';
export const UNIT_IFACE = 'org.freedesktop.systemd1.Unit';
export const SERVICE_IFACE = 'org.freedesktop.systemd1.Service';
export const PROPERTIES_IFACE = 'org.freedesktop.DBus.Properties';
export const DBUS_NAME = 'org.freedesktop.DBus';
export const DBUS_PATH = '/org/freedesktop/DBus';
export const DEFAULT_SYSTEM_BUS = 'unix:path=/var/run/dbus/system_bus_socket';

/** The address the client connects to: DBUS_SYSTEM_BUS_ADDRESS, else the standard socket. */
export function systemBusAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.DBUS_SYSTEM_BUS_ADDRESS || DEFAULT_SYSTEM_BUS;
}
