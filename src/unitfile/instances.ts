// An instance unit (postgresql@15-main.service) read from its template: the
// sandbox's own unit is named PREFIX@SANDBOX.service, where systemd's %i is the
// sandbox name, so the vendor's instance specifiers are resolved to the
// instance the admin named before anything else reads the unit. Pure.
import type { UnitFile } from './unit-file.js';
import { escapeSpecifiers } from './names.js';

/** systemd's unit-name unescaping (for %I): "-" → "/", then "\x2d" → "-". */
export function unescapeInstance(s: string): string {
  return s.replace(/-/g, '/').replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * The specifiers that differ between the instance and the sandbox's unit
 * (systemd.unit(5)): %i and %I. The prefix (%p, %j) is the same in both; %n
 * stays the name of the unit that runs, as for a plain service's sandbox.
 */
export function instanceSpecifiers(instance: string): Record<string, string> {
  return { i: instance, I: unescapeInstance(instance) };
}

/** One value with those specifiers replaced (and what they bring escaped); %% and every other specifier are kept. */
export function resolveSpecifiers(value: string, values: Record<string, string>): string {
  return value.replace(/%(.)/g, (all, c: string) => (c in values ? escapeSpecifiers(values[c]!) : all));
}

/** A copy of a template's unit with the instance's specifiers resolved in every value; changed lines lose their raw text. */
export function resolveInstance(template: UnitFile, instance: string): UnitFile {
  const values = instanceSpecifiers(instance);
  const u = template.clone();
  for (const s of u.sectionList) {
    s.lines = s.lines.map((l) => {
      if (l.kind !== 'entry') return l;
      const value = resolveSpecifiers(l.value, values);
      return value === l.value ? l : { kind: 'entry', key: l.key, value, line: l.line };
    });
  }
  return u;
}
