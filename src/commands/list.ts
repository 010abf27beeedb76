import type { CommandModule } from 'yargs';
import { listRecords } from '../config/record.js';
import { sandboxStates, type SandboxState } from '../lifecycle/state.js';
import { unitsOf } from '../lifecycle/sandboxes.js';
import { printJson } from '../output/json.js';
import { formatTable } from '../output/table.js';
import { withSystemd } from '../systemd/client.js';
import { pathsOf, withJson, type GlobalArgs, type JsonArgs } from './common.js';

type Args = GlobalArgs & JsonArgs;

export const listCommand: CommandModule<GlobalArgs, Args> = {
  command: 'list',
  aliases: ['ls'],
  describe: 'list every sandbox with its state',
  builder: (y) => withJson(y).example('$0 list', 'a table like systemctl list-units').example('$0 list --json', 'the same as JSON'),
  handler: async (argv) => {
    const paths = pathsOf(argv);
    const records = await listRecords(paths);
    // Offline there is no daemon to ask: states are unknown.
    const states: SandboxState[] = paths.offline
      ? records.map((r) => ({ name: r.name, units: [], state: 'unknown' }))
      : await withSystemd((c) => sandboxStates(c, records));
    const rows = records.map((r, i) => ({
      name: r.name,
      state: states[i]!.state,
      units: unitsOf(r),
      enabled: states[i]!.units.length ? states[i]!.units.every((u) => u.enabled === 'enabled') : false,
      label: r.label,
      network: r.network,
      profile: r.profile || null,
      published: r.publish ?? [],
      tree: r.tree,
    }));
    if (argv.json) return printJson(rows);
    process.stdout.write(
      formatTable(
        ['NAME', 'STATE', 'ENABLED', 'LABEL', 'NETWORK', 'PROFILE', 'UNITS'],
        rows.map((r) => [r.name, r.state, r.enabled ? 'enabled' : 'disabled', r.label, r.network, r.profile ?? '-', r.units.join(' ')]),
      ),
    );
    process.stdout.write(`\n${rows.length} sandbox${rows.length === 1 ? '' : 'es'} listed.\n`);
  },
};
