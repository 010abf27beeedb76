// sandbox publish / unpublish: ports of an existing sandbox (src/publish/).
import type { CommandModule } from 'yargs';
import { listRecords } from '../config/record.js';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import { requireRecord } from '../lifecycle/sandboxes.js';
import { withSystemd } from '../systemd/client.js';
import { assertPortsFree } from '../publish/ports.js';
import { formatPublish, overlaps, parsePublishList, recordedPorts } from '../publish/spec.js';
import { publishInstance, publishingUnit } from '../publish/units.js';
import { writePublished } from '../publish/change.js';
import { pathsOf, type GlobalArgs } from './common.js';
import { note } from '../output/note.js';

interface Args extends GlobalArgs {
  name: string;
  ports: string[];
}

const positionals = (verb: string) => (y: import('yargs').Argv<GlobalArgs>) =>
  y
    .positional('name', { type: 'string', demandOption: true })
    .positional('ports', { type: 'string', array: true, demandOption: true, describe: '[ADDRESS:]HOSTPORT:PORT, TCP' })
    .example(`$0 ${verb} web1 8080:80`, '')
    .example(`$0 ${verb} web1 127.0.0.1:8443:443`, '') as never;

export const publishCommand: CommandModule<GlobalArgs, Args> = {
  command: 'publish <name> <ports..>',
  describe: 'publish TCP ports of a sandbox on the host',
  builder: positionals('publish'),
  handler: async (argv) => {
    const paths = pathsOf(argv);
    const r = await requireRecord(paths, argv.name);
    const wanted = parsePublishList(argv.ports.map(String));
    if (r.network === 'host') throw new UsageError(`sandbox ${r.name} uses the host's network: its service is reached on the host's own ports`);
    const have = recordedPorts(r);
    for (const p of wanted) {
      const twin = have.find((h) => overlaps(h, p));
      if (twin) throw new ConflictError(`host port ${p.hostPort} is already published by sandbox ${r.name} (${formatPublish(twin)})`);
    }
    const all = await listRecords(paths);
    if (!paths.offline) await assertPortsFree(wanted, all, r.name);
    const next = await writePublished(paths, r, [...have, ...wanted], [], all.some((o) => o.name !== r.name && o.publish?.length));
    if (paths.offline) return;
    await withSystemd(async (c) => {
      await c.daemonReload();
      // A running sandbox listens at once; a stopped one when it starts (its drop-in wants the sockets).
      if ((await c.unitProperties(publishingUnit(next))).activeState === 'active') {
        for (const p of wanted) {
          const socket = `${publishInstance(r.name, p)}.socket`;
          const job = await c.start(socket);
          if (job.result !== 'done') throw new ConflictError(`${socket} did not start (${job.result}): see journalctl -u ${socket}`);
        }
      }
    });
    for (const p of wanted) note(`Published ${formatPublish(p)} of ${r.name}`);
  },
};

export const unpublishCommand: CommandModule<GlobalArgs, Args> = {
  command: 'unpublish <name> <ports..>',
  describe: 'stop publishing ports of a sandbox',
  builder: positionals('unpublish'),
  handler: async (argv) => {
    const paths = pathsOf(argv);
    const r = await requireRecord(paths, argv.name);
    const gone = parsePublishList(argv.ports.map(String));
    const have = recordedPorts(r);
    for (const p of gone) {
      if (!have.some((h) => formatPublish(h) === formatPublish(p))) throw new NotFoundError(`sandbox ${r.name} does not publish ${formatPublish(p)} (it publishes: ${have.map(formatPublish).join(' ') || 'nothing'})`);
    }
    const keep = have.filter((h) => !gone.some((p) => formatPublish(h) === formatPublish(p)));
    if (!paths.offline) {
      await withSystemd(async (c) => {
        for (const p of gone) for (const u of [`${publishInstance(r.name, p)}.socket`, `${publishInstance(r.name, p)}.service`]) await c.stop(u);
      });
    }
    const all = await listRecords(paths);
    await writePublished(paths, r, keep, gone, all.some((o) => o.name !== r.name && o.publish?.length));
    if (!paths.offline) await withSystemd((c) => c.daemonReload());
    for (const p of gone) note(`Unpublished ${formatPublish(p)} of ${r.name}`);
  },
};
