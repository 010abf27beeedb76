import type { CommandModule } from 'yargs';
import { requireRecord, unitsOf } from '../lifecycle/sandboxes.js';
import { followJournal, readJournal, renderEntry, sandboxQuery } from '../journal/read.js';
import { journalKey } from '../journal/key.js';
import { listRecordNames } from '../config/record.js';
import { pathsOf, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  name: string;
  follow?: boolean;
  lines: number;
}

export const logsCommand: CommandModule<GlobalArgs, Args> = {
  command: 'logs <name>',
  describe: "show the sandbox's service output and the tool's entries about it, from the journal",
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('follow', { alias: 'f', type: 'boolean', describe: 'keep printing new entries' })
      .option('lines', { alias: 'n', type: 'number', default: 50, describe: 'how many recent entries' })
      .check((a) => {
        if (!Number.isInteger(a.lines) || a.lines < 0) throw new Error('--lines takes a whole number >= 0');
        return true;
      })
      .example('$0 logs apache1 -n 20', '')
      .example('$0 logs -f apache1', '') as never,
  handler: async (argv) => {
    const paths = pathsOf(argv);
    const r = await requireRecord(paths, argv.name);
    const q = sandboxQuery(r.name, unitsOf(r), new Set(await listRecordNames(paths)), await journalKey(paths, false));
    if (argv.follow) return followJournal(q, argv.lines, (l) => console.log(l));
    for (const e of await readJournal(q, argv.lines)) console.log(renderEntry(e));
  },
};
