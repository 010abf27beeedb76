// sandbox upgrade NAME… | --all [--dry-run] [--json] | --check [--json]: bring sandboxes
// forward after their packages were updated on the host (src/upgrade/).
import type { CommandModule } from 'yargs';
import { ExitCode, UsageError, isSandboxError } from '../errors.js';
import { listRecords } from '../config/record.js';
import { readToolConfig } from '../config/tool-config.js';
import { requireRecords, sandboxesOfService } from '../lifecycle/sandboxes.js';
import { SystemdClient } from '../systemd/client.js';
import { installedHelper } from '../landlock/helper.js';
import { VERSION } from '../version.js';
import { withHostErrors, hostError } from '../apply/host-error.js';
import { summariseChanges } from '../output/changes.js';
import { note } from '../output/note.js';
import type { Change } from '../apply/change.js';
import { printJson } from '../output/json.js';
import { sandboxDrift, formatDrift } from '../upgrade/check.js';
import { upgradeOne, type UpgradeOutcome } from '../upgrade/run.js';
import { pathsOf, setExitCode, withJson, type GlobalArgs, type JsonArgs } from './common.js';

export interface UpgradeArgs extends GlobalArgs, JsonArgs {
  names: string[];
  /** '' (a bare --all): every sandbox; UNIT: every sandbox made from it (as start --all UNIT). */
  all?: string;
  check?: boolean;
  dryRun?: boolean;
}

/** Names or --all (--check alone means all); checked before the guards. */
export function checkUpgradeArgs(argv: UpgradeArgs): void {
  const names = argv.names ?? [];
  if (names.length && argv.all !== undefined) throw new UsageError('give sandbox names or --all, not both');
  if (!names.length && argv.all === undefined && !argv.check) throw new UsageError('name at least one sandbox, or use --all (or --check)');
}

function summary(o: UpgradeOutcome, dryRun: boolean): string {
  if (o.upToDate) return `Sandbox ${o.name} is up to date.`;
  if (dryRun) return `Sandbox ${o.name}: ${o.changes.length} change${o.changes.length === 1 ? '' : 's'} (dry run: nothing is written).`;
  if (o.conflicts.length) return `Upgraded sandbox ${o.name}, but ${o.conflicts.length} file${o.conflicts.length === 1 ? '' : 's'} need merging by hand (see each FILE.sandbox-new): ${o.conflicts.join(' ')}; not restarted.`;
  return `Upgraded sandbox ${o.name}${o.restarted ? ' and restarted it' : ' (not running: not started)'}.`;
}

export const upgradeCommand: CommandModule<GlobalArgs, UpgradeArgs> = {
  command: 'upgrade [names..]',
  describe: 'merge a package update into sandboxes, then restart them',
  builder: (y) =>
    withJson(y)
      .positional('names', { type: 'string', array: true, describe: 'sandbox names' })
      .option('all', { type: 'string', describe: 'every sandbox (--all UNIT: every sandbox made from that service)' })
      .option('check', { type: 'boolean', describe: 'only report which sandboxes are behind their packages; change nothing' })
      .option('dry-run', { type: 'boolean', describe: 'print every file action and write nothing' })
      .conflicts('check', 'dry-run')
      .example('$0 upgrade --check', 'which sandboxes are behind their packages')
      .example('$0 upgrade web1', 'merge, regenerate, restart web1')
      .example('$0 upgrade --all httpd.service', 'every sandbox of httpd')
      .example('$0 upgrade --dry-run --all', 'every file action of every sandbox, nothing written') as never,
  handler: withHostErrors(async (argv) => {
    const paths = pathsOf(argv);
    const names = argv.names ?? [];
    const records = names.length ? await requireRecords(paths, names) : argv.all ? await sandboxesOfService(paths, argv.all) : await listRecords(paths);
    if (argv.all && !records.length) process.stderr.write(`sandbox: no sandbox was made from ${argv.all}\n`);
    if (argv.check) {
      const drift = await sandboxDrift(paths, records);
      if (argv.json) printJson(drift);
      else process.stdout.write(formatDrift(drift));
      return;
    }
    const config = await readToolConfig(paths);
    const ctx = { version: VERSION, now: new Date(), extraSharedDirs: config.extraSharedDirs, landlockHelper: await installedHelper(paths) };
    const client = paths.offline ? undefined : await SystemdClient.connect();
    // --json: one object at the end, {"changes":[…] (every sandbox's, in order), "sandboxes":[…]}; the rest goes to stderr.
    const say = argv.json ? note : (l: string) => console.log(l);
    const json = { changes: [] as Change[], sandboxes: [] as Omit<UpgradeOutcome, 'changes'>[] };
    try {
      for (const r of records) {
        try {
          const o = await upgradeOne(paths, r, ctx, client, { dryRun: argv.dryRun === true, print: say });
          if (argv.json) {
            const { changes, ...rest } = o;
            json.changes.push(...changes);
            json.sandboxes.push(rest);
          } else for (const line of summariseChanges(o.changes)) console.log(line);
          say(summary(o, argv.dryRun === true));
          if (o.conflicts.length && !argv.dryRun) setExitCode(ExitCode.conflict);
        } catch (e) {
          // Each sandbox on its own: a failure is reported and the next one goes on.
          const err = hostError(e);
          if (!isSandboxError(err)) throw err;
          process.stderr.write(`sandbox: ${err.message}\n`);
          setExitCode(err.exitCode);
        }
      }
      if (argv.json) printJson(json);
    } finally {
      client?.close();
    }
  }),
};
