// What the admin asked `sandbox create` for, validated before anything is read or written.
import { shown, UsageError } from '../errors.js';
import type { NetworkMode } from '../config/record.js';
import { checkUnitValue } from '../generate/unit-values.js';
import type { ProfileName } from '../generate/profiles.js';
import type { Published } from '../publish/spec.js';
import type { Limits } from '../limits/spec.js';

export type Security = { kind: 'dynamic' } | { kind: 'static'; label: string };

export interface CreateRequest {
  name: string;
  units: string[];
  packages: string[];
  copy: string[];
  exclude: string[];
  network: NetworkMode;
  security: Security;
  /** The hardening profile (units/profiles/NAME.conf) linked into each unit's drop-in directory. */
  profile: ProfileName;
  /** Bind the host's system bus into the sandbox (--allow-dbus). */
  allowDbus: boolean;
  /** Ports published from its private network (--publish). */
  publish: Published[];
  /** --memory, --cpu, --tasks, --io-weight. */
  limits: Limits;
}

/** --network none | host */
export function parseNetwork(arg: string): NetworkMode {
  if (arg === 'none' || arg === 'host') return arg;
  throw new UsageError(`--network ${arg}: use 'none' (a private network with lo only) or 'host'`);
}

/** --security dynamic | static,label=CONTEXT */
export function parseSecurity(arg: string | undefined): Security {
  if (arg === undefined || arg === 'dynamic') return { kind: 'dynamic' };
  const m = /^static,label=(.+)$/.exec(arg);
  if (m) return { kind: 'static', label: m[1]! };
  throw new UsageError(`--security ${shown(arg)}: use 'dynamic' or 'static,label=CONTEXT'`);
}

/**
 * --copy and --exclude name host paths; a relative one, or one no unit file
 * could name (a newline, a tab, …: see generate/unit-values.ts), is refused
 * before anything is read.
 */
export function requireAbsolute(option: string, list: readonly string[]): void {
  for (const p of list) {
    checkUnitValue(option, p);
    if (!p.startsWith('/')) throw new UsageError(`${option} ${p}: must be an absolute path`);
  }
}
