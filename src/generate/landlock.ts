// The commands that start a sandbox's service run under the Landlock helper
// (src/landlock/sandbox-landlock.c says what its domain closes), put in front
// of the command here, after the vendor's lines went through the allow-list.
import { UsageError } from '../errors.js';
import type { UnitFile } from '../unitfile/index.js';
import { splitExecLine } from '../unitfile/index.js';
import { execArgument } from './unit-values.js';

/**
 * The commands that run before and as the service: each gets a domain of its
 * own that also scopes signals (before the main process exists there is
 * nothing of the sandbox's to signal; the main process and all it starts keep
 * the domain). The commands that act on the running service (ExecStartPost=,
 * ExecReload=, ExecStop=, ExecStopPost=) are left as they are: in a domain of
 * their own they could neither signal the main process nor read its
 * /proc/PID/exe and the like (Landlock scopes ptrace-class access too), which
 * pg_ctlcluster and others check before they stop or reload.
 */
export const EXEC_KEYS = ['ExecCondition', 'ExecStartPre', 'ExecStart'] as const;

/** One Exec*= value with the helper in front; its prefixes stay in front of the helper, '@' becomes --argv0. */
export function landlockCommand(value: string, key: string, helper: string): string {
  if (!(EXEC_KEYS as readonly string[]).includes(key)) return value;
  const m = /^([-@:+!|]*)(.*)$/s.exec(value.trim())!;
  const flags = m[1]!;
  if (!flags.includes('@')) return `${flags}${helper} --signals -- ${m[2]!}`;
  // '@PATH ARGV0 ARGS…': systemd passes ARGV0 as argv[0]; the helper does that now.
  const { argv } = splitExecLine(m[2]!);
  if (argv.length < 2) throw new UsageError(`${key}=${value}: '@' needs a program and its argv[0]`);
  const [program, argv0, ...rest] = argv.map((a) => execArgument(key, a));
  return `${flags.replace('@', '')}${helper} --signals --argv0 ${argv0} -- ${[program, ...rest].join(' ')}`;
}

/**
 * Wraps every Exec*= line of the unit's [Service] where it stands. The
 * journal would name the service's output after the helper (systemd takes
 * the identifier from the program it runs): the vendor's main program keeps
 * its name, unless the vendor set SyslogIdentifier= itself.
 */
export function wrapCommands(u: UnitFile, helper: string): void {
  const main = u.getAll('Service', 'ExecStart')[0];
  const program = main === undefined ? undefined : splitExecLine(main).argv[0];
  if (program && !u.get('Service', 'SyslogIdentifier')) u.add('Service', 'SyslogIdentifier', execArgument('SyslogIdentifier', program.split('/').pop()!));
  const keys: ReadonlySet<string> = new Set(EXEC_KEYS);
  for (const e of u.entries('Service')) {
    if (!keys.has(e.key) || e.value === '') continue;
    e.value = landlockCommand(e.value, e.key, helper);
    e.raw = undefined; // serialized from the new value
  }
}
