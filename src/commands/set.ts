// sandbox set NAME KEY=VALUE…: change a sandbox's resource limits, persistently
// (its 45-limits.conf drop-ins and its record) and, when systemd runs, at once
// (daemon-reload applies them to the running units' cgroups).
import type { CommandModule } from 'yargs';
import { serializeRecord } from '../config/record.js';
import { writeFileAtomic, writeGenerated } from '../apply/atomic-write.js';
import { removeGenerated } from '../apply/remove-generated.js';
import { UsageError } from '../errors.js';
import { DEFAULT_UNIT_DIR } from '../paths.js';
import { isOurs, limitsDropInPath, recordPath } from '../layout.js';
import { requireRecord } from '../lifecycle/sandboxes.js';
import { formatLimits, parseAssignment, type Limits } from '../limits/spec.js';
import { hostSize } from '../limits/host.js';
import { limitsFiles } from '../limits/units.js';
import { withSystemd } from '../systemd/client.js';
import { VERSION } from '../version.js';
import { note } from '../output/note.js';
import { pathsOf, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  name: string;
  assignments: string[];
}

/** The KEY=VALUE words, checked before the guards: a usage error comes first. */
export function checkSetArgs(argv: Args): [keyof Limits, number | undefined][] {
  const host = hostSize();
  const out = (argv.assignments ?? []).map((a) => parseAssignment(String(a), host));
  if (!out.length) throw new UsageError('set needs KEY=VALUE: memory=512M, cpu=50, tasks=64, io-weight=200 (VALUE none lifts a limit)');
  return out;
}

export const setCommand: CommandModule<GlobalArgs, Args> = {
  command: 'set <name> <assignments..>',
  describe: "change a sandbox's resource limits, at once and for good",
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .positional('assignments', { type: 'string', array: true, demandOption: true, describe: 'memory=SIZE cpu=PERCENT tasks=N io-weight=N (none: no limit)' })
      .example('$0 set web1 memory=512M cpu=50', '')
      .example('$0 set web1 tasks=none', 'lift the tasks limit') as never,
  handler: async (argv) => {
    const paths = pathsOf(argv);
    const r = await requireRecord(paths, argv.name);
    const limits: Limits = { ...r.limits };
    for (const [key, value] of checkSetArgs(argv)) {
      if (value === undefined) delete limits[key];
      else limits[key] = value;
    }
    const files = limitsFiles(DEFAULT_UNIT_DIR, VERSION, r.name, r.units, limits);
    for (const f of files) await writeGenerated(paths.host(f.path), f.content);
    if (!files.length) {
      for (const u of r.units) {
        const file = paths.host(limitsDropInPath(DEFAULT_UNIT_DIR, u, r.name));
        if (await isOurs(file)) await removeGenerated([paths.unitDir], file, 'dropin');
      }
    }
    await writeFileAtomic(recordPath(paths, r.name), serializeRecord({ ...r, limits }));
    if (!paths.offline) await withSystemd((c) => c.daemonReload());
    note(`Limits of ${r.name}: ${formatLimits(limits).join(' ') || 'none'}`);
  },
};
