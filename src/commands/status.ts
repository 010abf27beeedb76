import type { CommandModule } from 'yargs';
import { requireRecord } from '../lifecycle/sandboxes.js';
import { sandboxStates } from '../lifecycle/state.js';
import { printJson } from '../output/json.js';
import { formatBytes } from '../output/table.js';
import { withSystemd } from '../systemd/client.js';
import { unitExposure } from '../systemd/exposure.js';
import { formatLimits } from '../limits/spec.js';
import { pathsOf, withJson, type GlobalArgs, type JsonArgs } from './common.js';

interface Args extends GlobalArgs, JsonArgs {
  name: string;
}

export const statusCommand: CommandModule<GlobalArgs, Args> = {
  command: 'status <name>',
  describe: "show a sandbox's state, main PID, memory, label and units",
  builder: (y) => withJson(y).positional('name', { type: 'string', demandOption: true }).example('$0 status apache1', '') as never,
  handler: async (argv) => {
    const paths = pathsOf(argv);
    const r = await requireRecord(paths, argv.name);
    const status = await withSystemd(async (c) => {
      const [state] = await sandboxStates(c, [r]);
      const units = [];
      for (const u of state!.units) {
        const svc = await c.serviceProperties(u.unit);
        // null when systemd-analyze gives no figure: the output still says so, rather than dropping the field
        const exposure = (await unitExposure(u.unit)) ?? null;
        // current use from systemd's accounting: null where it keeps none
        units.push({ ...u, mainPid: svc.mainPid, memory: svc.memoryCurrent, tasks: svc.tasksCurrent ?? null, cpuNSec: svc.cpuUsageNSec ?? null, selinuxContext: svc.selinuxContext, exposure });
      }
      return {
        name: r.name,
        state: state!.state,
        enabled: state!.units.every((u) => u.enabled === 'enabled'),
        label: r.label,
        processContext: r.processContext,
        fileContext: r.fileContext,
        tree: r.tree,
        network: r.network,
        profile: r.profile || null,
        dbus: r.dbus ?? 'none',
        published: r.publish ?? [],
        limits: formatLimits(r.limits ?? {}),
        packages: r.packages,
        created: r.created,
        units,
      };
    });
    if (argv.json) return printJson(status);
    const lines = [
      `● ${status.name} - sandbox of ${r.units.join(', ')}`,
      `     State: ${status.state}${status.enabled ? ' (enabled)' : ' (disabled)'}`,
      `     Label: ${status.label} (${status.processContext})`,
      `      Tree: ${status.tree}`,
      `   Network: ${status.network === 'none' ? 'private (lo only)' : 'host'}${status.published.length ? `, published ${status.published.join(' ')} (HOSTPORT:PORT)` : ''}`,
      `   Profile: ${status.profile ?? '- (made before profiles)'}${status.dbus === 'host' ? ", with the host's D-Bus (--allow-dbus)" : ''}`,
      `    Limits: ${status.limits.join(' ') || 'none'}`,
      `  Packages: ${status.packages.join(' ') || '-'}`,
      `   Created: ${status.created}`,
      ...status.units.map(
        (u) =>
          `      Unit: ${u.unit}: ${u.activeState} (${u.subState})${u.mainPid ? `, main PID ${u.mainPid}` : ''}, memory ${formatBytes(u.memory)}, ` +
          `exposure ${u.exposure ? `${u.exposure.level.toFixed(1)} ${u.exposure.verdict}` : 'unknown'}`,
      ),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  },
};
