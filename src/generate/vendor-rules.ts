// The vocabulary of the vendor-settings table (vendor-keys.ts): what happens to
// one [Unit]/[Service] assignment of the service's own unit file when it is
// taken into the sandbox's unit (after podman Quadlet's checkForUnknownKeys:
// every key is known before anything is converted).

/** What a translation makes of one assignment. */
export type Outcome =
  /** These assignments instead (none: the line goes); `note`: create says what changed on stderr. */
  | { kind: 'lines'; lines: { key: string; value: string }[]; note?: string }
  /** The line goes; `note`: create says so on stderr (the admin may have relied on it). */
  | { kind: 'drop'; reason: string; note?: boolean }
  /** The unit cannot be sandboxed: one sentence saying why. */
  | { kind: 'refuse'; reason: string };

/** Facts about the whole unit that a translation may need. */
export interface UnitFacts {
  /** Type= as systemd will take it (BusName= without Type= means dbus). */
  type: string;
  /** Type= is set (not implied by BusName=). */
  typeGiven: boolean;
  /** PermissionsStartOnly=yes: systemd runs the control commands with full privileges. */
  permissionsStartOnly: boolean;
}

export type Rule =
  | { kind: 'copy' }
  | { kind: 'translate'; fn: (value: string, key: string, unit: UnitFacts) => Outcome }
  | { kind: 'drop'; reason: string; note?: boolean }
  | { kind: 'refuse'; reason: string };

export const copy: Rule = { kind: 'copy' };
export const translate = (fn: (value: string, key: string, unit: UnitFacts) => Outcome): Rule => ({ kind: 'translate', fn });
export const drop = (reason: string, note?: boolean): Rule => ({ kind: 'drop', reason, note });
export const refuse = (reason: string): Rule => ({ kind: 'refuse', reason });

export const keep = (key: string, value: string): Outcome => ({ kind: 'lines', lines: [{ key, value }] });
export const none: Outcome = { kind: 'lines', lines: [] };
export const dropped = (reason: string, note?: boolean): Outcome => ({ kind: 'drop', reason, note });
export const refused = (reason: string): Outcome => ({ kind: 'refuse', reason });

/** systemd's boolean spellings. */
export function isTrue(v: string): boolean {
  return /^(1|yes|y|true|t|on)$/i.test(v.trim());
}
