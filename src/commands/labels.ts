import type { CommandModule } from 'yargs';
import { openLabelStore } from '../labels/store.js';
import { formatLabelsTable } from '../output/labels-table.js';
import { printJson } from '../output/json.js';
import { pathsOf, withJson, type GlobalArgs, type JsonArgs } from './common.js';

type Args = GlobalArgs & JsonArgs;

export const labelsCommand: CommandModule<GlobalArgs, Args> = {
  command: 'labels',
  describe: 'list every held MCS label with its sandbox, and whether it was seen on disk and on a process',
  builder: (y) => withJson(y).example('$0 labels', '').example('$0 labels --json', ''),
  handler: async (argv) => {
    const store = await openLabelStore(pathsOf(argv));
    const held = await store.list();
    if (argv.json) return printJson(held);
    const u = await store.usage();
    process.stdout.write(formatLabelsTable(held));
    process.stdout.write(`\n${u.held} of ${u.total} labels held (categories c${u.range.min}-c${u.range.max}).\n`);
  },
};
