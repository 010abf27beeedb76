// Every command of the CLI, one module each.
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from './common.js';
import { doctorCommand } from './doctor.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<GlobalArgs, any>[] = [doctorCommand];
