// systemd unit names and the sandbox name rule.

export interface UnitNameParts {
  /** "apache2" for apache2.service, apache2@.service and apache2@x.service */
  prefix: string;
  /** undefined for a plain unit, "" for a template, the instance otherwise */
  instance?: string;
  /** "service", "target", … */
  type: string;
}

export function unitNameParts(name: string): UnitNameParts {
  const dot = name.lastIndexOf('.');
  const type = dot >= 0 ? name.slice(dot + 1) : '';
  const stem = dot >= 0 ? name.slice(0, dot) : name;
  const at = stem.indexOf('@');
  if (at < 0) return { prefix: stem, type };
  return { prefix: stem.slice(0, at), instance: stem.slice(at + 1), type };
}

/**
 * A sandbox name is a systemd instance name and a file name: letters, digits,
 * '_', '.', '-'; not starting with '-' or '.'; 1 to 64 characters; never '..'.
 */
export function isValidInstanceName(s: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(s) && !s.includes('..');
}

/** Values copied into generated units must not grow new specifiers: % becomes %%. */
export function escapeSpecifiers(value: string): string {
  return value.replace(/%/g, '%%');
}
