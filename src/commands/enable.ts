// enable | disable NAME…: the sandbox's units are WantedBy its service's target,
// which is WantedBy multi-user.target, so an enabled sandbox starts at boot.
import type { CommandModule } from 'yargs';
import { requireRecords, unitsOf } from '../lifecycle/sandboxes.js';
import { logEvent } from '../journal/write.js';
import { targetName } from '../layout.js';
import { asChange, withSystemd } from '../systemd/client.js';
import { formatChange } from '../output/changes.js';
import { pathsOf, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  names: string[];
}

function enableVerb(verb: 'enable' | 'disable'): CommandModule<GlobalArgs, Args> {
  return {
    command: `${verb} <names..>`,
    describe: verb === 'enable' ? 'start sandboxes at boot (and with their service target)' : 'do not start sandboxes at boot',
    builder: (y) => y.positional('names', { type: 'string', array: true, demandOption: true }).example(`$0 ${verb} apache1`, '') as never,
    handler: async (argv) => {
      const paths = pathsOf(argv);
      const records = await requireRecords(paths, argv.names);
      await withSystemd(async (c) => {
        for (const r of records) {
          const units = unitsOf(r);
          const changes =
            verb === 'enable'
              ? await c.enableUnitFiles([...units, ...new Set(r.units.map(targetName))])
              : await c.disableUnitFiles(units);
          for (const ch of changes) console.log(formatChange(asChange(ch)));
          for (const u of units) await logEvent(paths, { name: r.name, unit: u, label: r.label, action: verb, message: `sandbox ${r.name}: ${verb}d ${u}` });
        }
        await c.daemonReload();
      });
    },
  };
}

export const enableCommand = enableVerb('enable');
export const disableCommand = enableVerb('disable');
