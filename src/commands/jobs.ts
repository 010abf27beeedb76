// start | stop | restart | reload NAME… [--all UNIT]: one module per verb, made by one factory.
import type { CommandModule } from 'yargs';
import { ExitCode, UsageError } from '../errors.js';
import { runSandboxJobs, runningOnly, type Verb } from '../lifecycle/jobs.js';
import { requireRecords, sandboxesOfService } from '../lifecycle/sandboxes.js';
import { withSystemd } from '../systemd/client.js';
import { printJson } from '../output/json.js';
import { pathsOf, setExitCode, withJson, type GlobalArgs, type JsonArgs } from './common.js';

export interface JobArgs extends GlobalArgs, JsonArgs {
  names: string[];
  all?: string;
}

const DESCRIBE: Record<Verb, string> = {
  start: 'start sandboxes (their UNIT@NAME.service units)',
  stop: 'stop sandboxes',
  restart: 'restart sandboxes',
  reload: 'reload running sandboxes',
};

/** Names or --all UNIT, one of the two. */
export function checkJobArgs(argv: JobArgs): void {
  const names = argv.names ?? [];
  if (names.length && argv.all) throw new UsageError(`give sandbox names or --all UNIT, not both`);
  if (!names.length && !argv.all) throw new UsageError(`name at least one sandbox, or use --all UNIT`);
}

function jobCommand(verb: Verb): CommandModule<GlobalArgs, JobArgs> {
  return {
    command: `${verb} [names..]`,
    describe: DESCRIBE[verb],
    builder: (y) =>
      withJson(y)
        .positional('names', { type: 'string', array: true, describe: 'sandbox names' })
        .option('all', { type: 'string', describe: `${verb} every sandbox made from this service`, requiresArg: true })
        .example(`$0 ${verb} apache1`, `${verb} one sandbox`)
        .example(`$0 ${verb} --all apache2.service`, `${verb} every sandbox of apache2`) as never,
    handler: async (argv) => {
      const names = argv.names ?? [];
      const paths = pathsOf(argv);
      let records = argv.all ? await sandboxesOfService(paths, argv.all) : await requireRecords(paths, names);
      if (argv.all && records.length === 0) {
        process.stderr.write(`sandbox: no sandbox was made from ${argv.all}\n`);
      }
      const reports = await withSystemd(async (c) => {
        // --all reloads the running ones and leaves the stopped ones stopped, like ReloadPropagatedFrom=.
        if (verb === 'reload' && argv.all) records = await runningOnly(c, records);
        return runSandboxJobs(paths, c, verb, records, (l) => (argv.json ? process.stderr.write(l + '\n') : console.log(l)));
      });
      if (argv.json) printJson(reports);
      if (reports.some((r) => !r.ok)) setExitCode(ExitCode.failure);
    },
  };
}

export const startCommand = jobCommand('start');
export const stopCommand = jobCommand('stop');
export const restartCommand = jobCommand('restart');
export const reloadCommand = jobCommand('reload');
