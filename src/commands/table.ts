// The command table's guards (like the flags of systemctl's verbs[]): for each
// verb, whether it needs root on a live host, a running systemd, and recovery
// first. They run here, once, before the handler; handlers parse, plan, apply, print.
import type { ArgumentsCamelCase, CommandModule } from 'yargs';
import { UnavailableError, UsageError } from '../errors.js';
import type { Paths } from '../paths.js';
import { pathsOf, type GlobalArgs } from './common.js';
import { runRecovery } from './recovery.js';

export interface Needs<A> {
  /** Root on a live host (a --root tree is the caller's own). */
  root: boolean | ((argv: ArgumentsCamelCase<A>) => boolean);
  /** A running systemd: the words naming the verb in the refusal, or false. */
  live: string | false | ((argv: ArgumentsCamelCase<A>) => string | false);
  /** Finish or roll back interrupted operations first (recovery/recover.ts). */
  recover: boolean | ((argv: ArgumentsCamelCase<A>) => boolean);
  /** Checks of the command line alone, before the guards: a usage error comes first. */
  validate?: (argv: ArgumentsCamelCase<A>) => unknown;
}

/** May this process change what paths name? A --root tree is the caller's own. */
export function mayChange(paths: Paths): boolean {
  return paths.offline || process.getuid?.() === 0;
}

function flag<A, T>(v: T | ((argv: A) => T), argv: A): T {
  return typeof v === 'function' ? (v as (argv: A) => T)(argv) : v;
}

export function guarded<A extends GlobalArgs>(module: CommandModule<GlobalArgs, A>, needs: Needs<A>): CommandModule<GlobalArgs, A> {
  const handler = module.handler;
  return {
    ...module,
    handler: async (argv) => {
      needs.validate?.(argv);
      const paths = pathsOf(argv);
      const live = flag(needs.live, argv);
      if (live !== false && paths.offline) throw new UsageError(`'${live}' needs a running systemd and cannot be used with --root`);
      if (flag(needs.root, argv) && !mayChange(paths)) throw new UnavailableError('this command changes the host: run it as root');
      // As anyone but root on a live host recovery cannot write: the command goes on without it.
      if (flag(needs.recover, argv) && mayChange(paths)) await runRecovery(paths);
      await handler(argv);
    },
  };
}
