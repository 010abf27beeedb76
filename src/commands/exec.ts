// sandbox exec / sandbox shell: run a command inside a running sandbox (src/enter/).
import type { CommandModule } from 'yargs';
import { UnavailableError, UsageError } from '../errors.js';
import { runAttached, runRelayed } from '../exec.js';
import { selinuxMode } from '../selinux/state.js';
import { enterArgv } from '../enter/plan.js';
import { mainProcess, resolveUser } from '../enter/facts.js';
import { ENTER_HELPER, installedHelper } from '../landlock/helper.js';
import { requireRecord, unitsOf } from '../lifecycle/sandboxes.js';
import { withSystemd } from '../systemd/client.js';
import { pathsOf, setExitCode, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  name: string;
  command?: string[];
  user?: string;
  tty?: boolean;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Enters the sandbox and runs command; the exit status is the command's. */
async function enter(argv: Args, command: string[], tty: boolean): Promise<void> {
  const paths = pathsOf(argv);
  const r = await requireRecord(paths, argv.name);
  const installed = await installedHelper(paths, ENTER_HELPER);
  // Never a fallback that enters with tools found in the sandbox's view (src/enter/sandbox-enter.c says why).
  if (!installed) throw new UnavailableError(`${ENTER_HELPER} is not installed (the sandbox package installs it; exec cannot enter a sandbox safely without it)`);
  const helper = paths.host(installed);
  const main = await withSystemd((c) => mainProcess(c, r.name, unitsOf(r)[0]!));
  const user = argv.user === undefined ? undefined : await resolveUser(main, helper, r.name, argv.user);
  const selinux = (await selinuxMode(paths)) !== 'disabled';
  const context = selinux ? r.processContext : undefined;
  const argvOut = enterArgv({ ...main, helper, context, user, tty, command });
  // Nothing of the caller's environment goes in but the terminal type.
  const env: Record<string, string> = { PATH, HOME: user ? '/' : '/root', SHELL: '/bin/sh', LANG: 'C.UTF-8', ...(tty && process.env.TERM ? { TERM: process.env.TERM } : {}) };
  if (tty) return setExitCode(await runAttached(argvOut, env));
  // Without a terminal the output is relayed through sockets in the sandbox's own context where SELinux is on (exec.ts).
  setExitCode(await runRelayed(argvOut, env, context));
}

/** The command to run; none is a usage error, before any guard. */
export function checkExecArgs(argv: Args): string[] {
  // yargs keeps what follows `--` out of the positional: it is in argv._ after the verb.
  const command = [...(argv.command ?? []), ...(argv as unknown as { _: unknown[] })._.slice(1)].map(String);
  if (!command.length || !command[0]) throw new UsageError('exec needs a command: sandbox exec NAME -- COMMAND [ARG...]');
  return command;
}

const ttyOption = {
  alias: 't',
  type: 'boolean',
  describe: 'give the command a terminal of its own (default: when stdin is a terminal); never the caller\'s own',
} as const;
const userOption = { type: 'string', describe: "run as USER (a name or uid of the sandbox's user database) instead of root" } as const;

export const execCommand: CommandModule<GlobalArgs, Args> = {
  command: 'exec <name> [command..]',
  describe: 'run a command inside a running sandbox',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .positional('command', { type: 'string', array: true, describe: 'the command and its arguments (put -- before a command with options)' })
      .option('user', userOption)
      .option('tty', ttyOption)
      .example('$0 exec web1 -- cat /etc/apache2/ports.conf', '')
      .example('$0 exec -u www-data web1 -- id', '')
      .epilog(
        'The exit status is the command\'s (127: it could not be run; 125: the sandbox could not be entered, with one "sandbox-enter:" line); a failure of sandbox itself prints one "sandbox:" line (3 no such sandbox or user, 4 not running).',
      ) as never,
  handler: async (argv) => {
    await enter(argv, checkExecArgs(argv), argv.tty ?? Boolean(process.stdin.isTTY));
  },
};

export const shellCommand: CommandModule<GlobalArgs, Args> = {
  command: 'shell <name>',
  describe: 'open a shell inside a running sandbox',
  builder: (y) => y.positional('name', { type: 'string', demandOption: true }).option('user', userOption).option('tty', ttyOption).example('$0 shell web1', '') as never,
  handler: async (argv) => {
    // A login shell of the sandbox's /bin/sh: every service image has it; the user's own shell may be nologin.
    await enter(argv, ['/bin/sh', '-l'], argv.tty ?? Boolean(process.stdin.isTTY));
  },
};
