// commands/: the CLI, one module per verb; this file is the command table.
// Every command of the CLI, one module each, and the command table: what each
// verb needs before its handler runs (guards in table.ts).
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from './common.js';
import { checkCloneArgs, cloneCommand } from './clone.js';
import { createCommand, createRequests } from './create.js';
import { deleteCommand } from './delete.js';
import { doctorCommand } from './doctor.js';
import { disableCommand, enableCommand } from './enable.js';
import { checkExecArgs, execCommand, shellCommand } from './exec.js';
import { publishCommand, unpublishCommand } from './publish.js';
import { checkSetArgs, setCommand } from './set.js';
import { checkJobArgs, reloadCommand, restartCommand, startCommand, stopCommand } from './jobs.js';
import { labelsCommand } from './labels.js';
import { listCommand } from './list.js';
import { logsCommand } from './logs.js';
import { statusCommand } from './status.js';
import { guarded, type Needs } from './table.js';
import { checkUpgradeArgs, upgradeCommand } from './upgrade.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Command = CommandModule<GlobalArgs, any>;

function row<A extends GlobalArgs>(module: CommandModule<GlobalArgs, A>, needs: Needs<A>): Command {
  return guarded(module, needs);
}

const live = (verb: string) => ({ root: false, live: verb, recover: true });

/** verb: root on a live host | a running systemd | recovery first. */
export const commands: Command[] = [
  row(createCommand, { root: (a) => !a.dryRun, live: (a) => (a.now ? 'create --now' : false), recover: true, validate: createRequests }),
  row(cloneCommand, { root: (a) => !a.dryRun, live: (a) => (a.now ? 'clone --now' : false), recover: true, validate: checkCloneArgs }),
  row(startCommand, { ...live('start'), validate: checkJobArgs }),
  row(stopCommand, { ...live('stop'), validate: checkJobArgs }),
  row(restartCommand, { ...live('restart'), validate: checkJobArgs }),
  row(reloadCommand, { ...live('reload'), validate: checkJobArgs }),
  row(statusCommand, live('status')),
  row(listCommand, { root: false, live: false, recover: true }),
  row(enableCommand, live('enable')),
  row(disableCommand, live('disable')),
  row(logsCommand, live('logs')),
  row(execCommand, { root: true, live: 'exec', recover: true, validate: checkExecArgs }),
  row(shellCommand, { root: true, live: 'shell', recover: true }),
  // offline they change the files only; live they also reload systemd and start or stop the sockets
  row(publishCommand, { root: true, live: false, recover: true }),
  row(unpublishCommand, { root: true, live: false, recover: true }),
  row(setCommand, { root: true, live: false, recover: true, validate: checkSetArgs }),
  row(deleteCommand, { root: true, live: false, recover: true }),
  // --check and --dry-run only look (--check, run by the RPM's file trigger, not even recovery); offline (--root) the files change and nothing is restarted.
  row(upgradeCommand, { root: (a) => !a.check && !a.dryRun, live: false, recover: (a) => !a.check, validate: checkUpgradeArgs }),
  row(labelsCommand, { root: false, live: false, recover: true }),
  // doctor only looks; --repair and --recover run recovery themselves.
  row(doctorCommand, { root: (a) => a.repair === true || a.recover === true, live: false, recover: false }),
];
