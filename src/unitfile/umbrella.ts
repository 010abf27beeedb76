// An umbrella unit runs nothing itself (Debian's postgresql.service and
// postfix.service: Type=oneshot, ExecStart=/bin/true) and only groups the units that do the
// work (postgresql@15-main.service, PartOf=postgresql.service). A sandbox of it
// would run nothing, so create refuses it and names those units. Pure.
import type { UnitFile } from './unit-file.js';

const NO_OP = /^[-@:+!]*(\/usr)?\/bin\/true(\s|$)/;

/** A oneshot whose every ExecStart= is /bin/true (or that has none). */
export function isUmbrella(u: UnitFile): boolean {
  if ((u.get('Service', 'Type') ?? '') !== 'oneshot') return false;
  return u.getAll('Service', 'ExecStart').filter((v) => v !== '').every((v) => NO_OP.test(v.trim()));
}

/** The services among an umbrella's related units, sorted and without duplicates. */
export function workerServices(related: readonly string[], umbrella: string): string[] {
  return [...new Set(related.filter((n) => n.endsWith('.service') && n !== umbrella && !n.endsWith('@.service')))].sort();
}

export function umbrellaMessage(name: string, workers: readonly string[]): string {
  const what = `${name} runs nothing itself (its ExecStart= is /bin/true): it only starts and stops other units`;
  if (workers.length === 0) return `${what}; sandbox the unit that runs the daemon (often ${name.replace(/\.service$/, '')}@INSTANCE.service)`;
  return `${what}; sandbox the one that runs the daemon: ${workers.join(', ')} (e.g. sandbox create -u ${workers[0]} NAME)`;
}
