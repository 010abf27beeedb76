// Every command of the CLI, one module each.
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from './common.js';
import { doctorCommand } from './doctor.js';
import { disableCmd, enableCmd } from './enable.js';
import { reloadCommand, restartCommand, startCommand, stopCommand } from './jobs.js';
import { listCommand } from './list.js';
import { logsCommand } from './logs.js';
import { statusCommand } from './status.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<GlobalArgs, any>[] = [
  startCommand,
  stopCommand,
  restartCommand,
  reloadCommand,
  statusCommand,
  listCommand,
  enableCmd,
  disableCmd,
  logsCommand,
  doctorCommand,
];
