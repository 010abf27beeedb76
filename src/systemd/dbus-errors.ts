// systemd's D-Bus errors, mapped to one-line messages with the tool's exit codes.
import { ConflictError, NotFoundError, SandboxError, UnavailableError, ExitCode } from '../errors.js';

interface DBusErrorLike {
  type: string;
  text?: string;
  message?: string;
}

function isDBusError(e: unknown): e is DBusErrorLike {
  return typeof e === 'object' && e !== null && typeof (e as DBusErrorLike).type === 'string' && (e as DBusErrorLike).type.includes('.');
}

/** `what` names the call and its arguments, e.g. "StartUnit apache2@a.service". */
export function mapDBusError(e: unknown, what: string): unknown {
  if (!isDBusError(e)) return e;
  const text = (e.text ?? e.message ?? '').trim();
  const short = e.type.replace(/^org\.freedesktop\.(systemd1|DBus\.Error)\./, '');
  switch (e.type) {
    case 'org.freedesktop.systemd1.NoSuchUnit':
      return new NotFoundError(`${what}: no such unit${text ? ` (${text})` : ''}`);
    case 'org.freedesktop.systemd1.NoSuchJob':
      return new NotFoundError(`${what}: no such job`);
    case 'org.freedesktop.systemd1.UnitMasked':
      return new ConflictError(`${what}: the unit is masked (${text})`);
    case 'org.freedesktop.systemd1.JobTypeNotApplicable':
    case 'org.freedesktop.systemd1.OnlyByDependency':
    case 'org.freedesktop.systemd1.TransactionIsDestructive':
    case 'org.freedesktop.systemd1.TransactionJobsConflicting':
      return new ConflictError(`${what}: ${text || short}`);
    case 'org.freedesktop.DBus.Error.AccessDenied':
    case 'org.freedesktop.DBus.Error.InteractiveAuthorizationRequired':
      return new SandboxError(`${what}: permission denied (run as root)`, ExitCode.unavailable);
    case 'org.freedesktop.DBus.Error.ServiceUnknown':
    case 'org.freedesktop.DBus.Error.NoReply':
    case 'org.freedesktop.DBus.Error.Disconnected':
      return new UnavailableError(`${what}: systemd is not reachable (${short})`);
    default:
      return new SandboxError(`${what}: ${short}${text ? `: ${text}` : ''}`);
  }
}
