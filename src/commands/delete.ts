import type { CommandModule } from 'yargs';
import { ConflictError } from '../errors.js';
import { requireRecords, unitsOf } from '../lifecycle/sandboxes.js';
import { finishDelete, markDeleting } from '../delete/delete.js';
import { logEvent } from '../journal/write.js';
import { SystemdClient } from '../systemd/client.js';
import { openLabels } from '../create/reserve-label.js';
import { pathsOf, withJson, type GlobalArgs, type JsonArgs } from './common.js';
import { note } from '../output/note.js';
import { summariseChanges } from '../output/changes.js';
import { printJson } from '../output/json.js';
import type { Change } from '../apply/change.js';
import { withHostErrors } from '../apply/host-error.js';
import { crashPoint } from '../apply/crash-point.js';
import { endUnitProcesses } from '../delete/processes.js';
import { stopNote } from '../delete/stop-note.js';

interface Args extends GlobalArgs, JsonArgs {
  names: string[];
  force?: boolean;
}

export const deleteCommand: CommandModule<GlobalArgs, Args> = {
  command: 'delete <names..>',
  aliases: ['rm'],
  describe: 'remove sandboxes: units, drop-ins, tree, record, label',
  builder: (y) =>
    withJson(y)
      .positional('names', { type: 'string', array: true, demandOption: true })
      .option('force', { alias: 'f', type: 'boolean', describe: 'stop running sandboxes first' })
      .example('$0 delete apache1', 'refuses while apache1 runs')
      .example('$0 delete --force apache1 apache2', 'stop, then delete') as never,
  // A full disk or a read-only file system is one line, not a stack (apply/host-error.ts).
  handler: withHostErrors(async (argv) => {
    const paths = pathsOf(argv);
    const records = await requireRecords(paths, argv.names);
    const labels = await openLabels(paths);
    const client = paths.offline ? undefined : await SystemdClient.connect();
    try {
      if (client) {
        // Every sandbox checked before any is stopped.
        for (const r of records) {
          for (const u of unitsOf(r)) {
            const p = await client.unitProperties(u);
            if (p.activeState === 'inactive' || p.activeState === 'failed' || argv.force) continue;
            throw new ConflictError(`sandbox '${r.name}' is running (${u} is ${p.activeState}); stop it first or use --force`);
          }
        }
        for (const r of records) {
          for (const u of unitsOf(r)) {
            note(stopNote(u, (await client.unitProperties(u)).activeState, await client.stopTimeoutSec(u)));
            await endUnitProcesses(client, r.name, u);
          }
          const enabled = await client.listUnitFilesByPatterns(unitsOf(r));
          if (enabled.some((f) => f.state === 'enabled')) await client.disableUnitFiles(unitsOf(r));
        }
      }
      const changes: Change[] = [];
      for (const r of records) {
        await markDeleting(paths, r.name);
        crashPoint('delete:marked');
        const removed = await finishDelete(paths, r, labels);
        for (const u of unitsOf(r)) {
          await logEvent(paths, { name: r.name, unit: u, label: r.label, action: 'delete', message: `sandbox ${r.name}: deleted (${removed.length} paths removed)` });
        }
        if (argv.json) changes.push(...removed);
        else {
          for (const line of summariseChanges(removed)) console.log(line);
          console.log(`Deleted sandbox ${r.name}; label ${r.label} released.`);
        }
      }
      if (client) await client.daemonReload();
      if (argv.json) printJson({ changes });
    } finally {
      client?.close();
    }
  }),
};
