// The translations of vendor-keys.ts: settings systemd evaluates in the host's
// view, or that let a unit reach past its own cgroup, rewritten so that they
// act inside the sandbox (or refused when they cannot).
import { isTrue, keep, none, dropped, refused, type Outcome, type UnitFacts } from './vendor-rules.js';
import { directoryEnvironment, translateRuntimeDirectory } from './translate.js';
import { isBoundOnItsOwn, isHiddenPlace, isJournalSocket, isMirrored, isPrivatePlace, splitOptional, treePath } from './vendor-paths.js';

/**
 * Exec*= command prefixes. '+' runs a command with full privileges: systemd 252
 * still gives it the unit's bind mounts (the private /run), but none of the
 * sandbox's protections (ProtectSystem=, ReadOnlyPaths=, the capability bounding
 * set, seccomp, SELinuxContext=), so it is host root with the host's /etc and
 * /usr writable (seen on the throwaway host). As '!' it runs under every
 * namespace and limit of the sandbox, only without the User=/Group= switch,
 * i.e. as the sandbox's own root, which is what the vendor's '+' was after.
 * PermissionsStartOnly=yes means '+' on every control command. '!' and '!!'
 * already run under the sandbox's limits: kept.
 */
export function execLine(value: string, key: string, unit: UnitFacts): Outcome {
  const m = /^([-@:+!|]*)(.*)$/s.exec(value)!;
  let flags = m[1]!;
  const full = flags.includes('+') || (unit.permissionsStartOnly && key !== 'ExecStart' && !flags.includes('!'));
  flags = flags.replace('+', '');
  if (full && !flags.includes('!')) flags += '!';
  return keep(key, flags + m[2]!);
}

/**
 * Type=notify: systemd 252 takes MAINPID= from any uid-0 sender (service.c,
 * service_notify_message: "… does not belong to service, but we'll accept it
 * as the request to change it came from a privileged process"), so a root
 * service could make `stop` kill any host process. A sandbox gets no notify
 * socket; the service counts as started once its program runs (Type=exec).
 */
export function serviceType(value: string): Outcome {
  const t = value.trim();
  if (t === 'notify' || t === 'notify-reload') return { kind: 'lines', lines: [{ key: 'Type', value: 'exec' }], note: `Type=${t} runs as Type=exec: a sandbox gets no notify socket (MAINPID= from root is trusted by systemd)` };
  if (t === 'dbus') return refused("Type=dbus needs the host's system bus, which a sandbox does not get");
  return keep('Type', value);
}

export function busName(_value: string, _key: string, unit: UnitFacts): Outcome {
  if (unit.type === 'dbus' && !unit.typeGiven) return refused("BusName= without Type= makes it Type=dbus, which needs the host's system bus");
  return dropped("a name on the host's system bus");
}

export function killMode(): Outcome {
  return keep('KillMode', 'control-group');
}

export function privateNetwork(value: string): Outcome {
  return isTrue(value) ? keep('PrivateNetwork', value) : dropped("the sandbox's drop-in sets the network (create --network)");
}

export function delegate(value: string): Outcome {
  if (/^(0|no|n|false|f|off)$/i.test(value.trim())) return none;
  return refused('Delegate= hands the service its own cgroup subtree to manage');
}

export function dynamicUser(value: string): Outcome {
  return isTrue(value) ? refused("DynamicUser= keeps state in the host's /var/lib/private under a uid the tree's files do not belong to") : keep('DynamicUser', value);
}

export function sendSigkill(value: string): Outcome {
  return isTrue(value) ? keep('SendSIGKILL', value) : none;
}

/** systemd opens file:/append:/truncate: as host root in the host's view, before the sandbox exists. */
export function standardOutput(value: string, key: string): Outcome {
  if (/^(file|append|truncate):/.test(value.trim())) {
    return { kind: 'lines', lines: [{ key, value: 'journal' }], note: `${key}=${value} goes to the journal: systemd would open that file as host root` };
  }
  return keep(key, value);
}

export function standardInput(value: string, key: string): Outcome {
  if (/^(file:|tty)/.test(value.trim())) return refused('systemd would open that file or terminal as host root');
  return keep(key, value);
}

/**
 * EnvironmentFile= is read by systemd as host root before the sandbox exists.
 * It may name the sandbox's copy only where the sandbox cannot swap that copy
 * for a symlink to a host file (a file bound on its own: /etc/default/x).
 */
export function environmentFile(value: string): Outcome {
  const { path: p, optional } = splitOptional(value);
  const dash = optional ? '-' : '';
  if (isBoundOnItsOwn(p)) return keep('EnvironmentFile', dash + treePath(p));
  if (isMirrored(p) || isPrivatePlace(p) || isHiddenPlace(p)) {
    const why = 'systemd reads it as host root, and the sandbox could replace it with a symlink to a host file';
    return optional ? dropped(why, true) : refused(why);
  }
  return keep('EnvironmentFile', value); // /usr, /opt …: the host's file, read-only to the sandbox
}

/** BindPaths=/BindReadOnlyPaths=: the source is a host path, resolved as host root. */
export function bindPaths(value: string, key: string): Outcome {
  const out: string[] = [];
  const notes: string[] = [];
  for (const item of value.split(/\s+/).filter(Boolean)) {
    const [src, ...rest] = item.split(':');
    const { path: p, optional } = splitOptional(src!);
    const target = rest.length ? rest.join(':') : p;
    if (isBoundOnItsOwn(p)) {
      out.push(`${optional ? '-' : ''}${treePath(p)}:${target}`);
      continue;
    }
    const readOnly = key === 'BindReadOnlyPaths';
    if (readOnly && ((!isMirrored(p) && !isHiddenPlace(p)) || isJournalSocket(p))) {
      out.push(item); // /usr, /opt …: a read-only view of what ProtectSystem=strict shows read-only anyway
      continue;
    }
    const why = readOnly
      ? `${p} is not a copy of its own in the tree (the sandbox could swap it for a symlink) or is a host place hidden from sandboxes`
      : `${p} is a host path, or a copy the sandbox could swap for a symlink, bound read-write`;
    if (!optional) return refused(why);
    notes.push(`${item} dropped: ${why}`);
  }
  if (!out.length) return dropped(notes.join('; '), true);
  return { kind: 'lines', lines: [{ key, value: out.join(' ') }], note: notes.length ? notes.join('; ') : undefined };
}

/** ProtectSystem=strict makes everything read-only but the tree's copies and the private /run and /tmp. */
export function readWritePaths(value: string): Outcome {
  const notes: string[] = [];
  for (const item of value.split(/\s+/).filter(Boolean)) {
    const { path: p, optional } = splitOptional(item);
    if (isMirrored(p) || isPrivatePlace(p)) continue; // its copy (or the private place) is writable already
    const why = `${p} is a host path outside the sandbox's tree`;
    if (!optional) return refused(why);
    notes.push(why);
  }
  return notes.length ? dropped(notes.join('; '), true) : dropped('the sandbox can write its own copies and its private /run and /tmp already');
}

export function runtimeDirectory(value: string): Outcome {
  return keep('RuntimeDirectory', translateRuntimeDirectory(value));
}

/** StateDirectory= & co. would make host directories: the tree has the sandbox's copies; the variable stays. */
export function hostDirectory(value: string, key: string): Outcome {
  const env = directoryEnvironment(key, value);
  return env ? keep('Environment', env) : none;
}
