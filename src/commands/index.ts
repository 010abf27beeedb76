// Every command of the CLI, one module each.
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from './common.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { doctorCommand } from './doctor.js';
import { execCommand, shellCommand } from './exec.js';
import { publishCommand, unpublishCommand } from './publish.js';
import { disableCmd, enableCmd } from './enable.js';
import { reloadCommand, restartCommand, startCommand, stopCommand } from './jobs.js';
import { labelsCommand } from './labels.js';
import { listCommand } from './list.js';
import { logsCommand } from './logs.js';
import { statusCommand } from './status.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<GlobalArgs, any>[] = [
  createCommand,
  startCommand,
  stopCommand,
  restartCommand,
  reloadCommand,
  statusCommand,
  listCommand,
  enableCmd,
  disableCmd,
  logsCommand,
  execCommand,
  shellCommand,
  publishCommand,
  unpublishCommand,
  deleteCommand,
  labelsCommand,
  doctorCommand,
];
