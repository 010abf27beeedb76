import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import { readToolConfig, type ToolConfig } from '../config/tool-config.js';
import { applyCreate, assertFree, assertNameFree } from '../create/apply.js';
import { gatherFacts, type CreateFacts } from '../create/gather.js';
import { planCreate, type CreatePlan, type PlanContext } from '../create/plan.js';
import { formatPlan } from '../create/print-plan.js';
import { parseNetwork, parseSecurity, requireAbsolute, type CreateRequest } from '../create/request.js';
import { labelFor } from '../create/label.js';
import { payloadSize } from '../create/size.js';
import { validateName } from '../lifecycle/sandboxes.js';
import { logEvent } from '../journal/write.js';
import { SystemdClient } from '../systemd/client.js';
import type { Paths } from '../paths.js';
import { VERSION } from '../version.js';
import { crashPoint } from '../apply/crash-point.js';
import { note, pathsOf, toList, type GlobalArgs } from './common.js';
import { requireRootUnlessOffline } from './root.js';
import { withHostErrors } from '../apply/host-error.js';
import { reclaimOwnLabels } from '../delete/stale-labels.js';
import { policyWarning } from '../create/policy-warning.js';

interface Args extends GlobalArgs {
  name: string;
  unit: string | string[];
  package?: string | string[];
  copy?: string | string[];
  exclude?: string | string[];
  network: string;
  security?: string;
  dryRun?: boolean;
}

/** Reserve the label, plan, and carry the plan out; on failure nothing is left but what reclaimOwnLabels cleans. */
async function reserveAndApply(
  paths: Paths,
  config: ToolConfig,
  req: CreateRequest,
  facts: CreateFacts,
  ctx: PlanContext,
  client: SystemdClient | undefined,
): Promise<CreatePlan> {
  const label = await labelFor(paths, config, req, { dryRun: false });
  // Reserved, but no intent names the sandbox yet: recovery must still free it.
  crashPoint('create:label-reserved');
  let plan: CreatePlan;
  try {
    // The plan refuses bad --copy/--exclude paths: the label must not stay reserved then.
    plan = planCreate(req, facts, label.planned, ctx);
    await assertFree(paths, plan);
  } catch (e) {
    await label.release();
    throw e;
  }
  let last = 0;
  await applyCreate(paths, plan, {
    progress: note,
    onCopy: (p) => {
      if (process.stderr.isTTY && Date.now() - last > 200) {
        last = Date.now();
        process.stderr.write(`\r  copied ${p.done}/${p.total} ${p.path}`.slice(0, 100).padEnd(100) + (p.done === p.total ? '\n' : ''));
      }
    },
    commitLabel: label.commit,
    releaseLabel: label.release,
    reload: client ? () => client.daemonReload() : undefined,
  });
  return plan;
}

export const createCommand: CommandModule<GlobalArgs, Args> = {
  command: 'create <name>',
  describe: "make a sandbox from installed services: clone their package's /etc and /var, label it, generate its units",
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'sandbox name (the systemd instance name)' })
      .option('unit', { alias: 'u', type: 'string', demandOption: true, describe: 'service to sandbox (repeatable)', requiresArg: true })
      .option('package', { alias: 'P', type: 'string', describe: 'also clone this package (repeatable)', requiresArg: true })
      .option('copy', { type: 'string', describe: 'also copy this host path (repeatable)', requiresArg: true })
      .option('exclude', { type: 'string', describe: 'do not copy this path (repeatable)', requiresArg: true })
      .option('network', {
        type: 'string',
        default: 'none',
        // Checked by the handler, not by yargs' choices: that error spans several lines; ours is one.
        describe: "'none': a private network (lo only); 'host': the host's network",
      })
      .option('security', { type: 'string', describe: "'dynamic' (a unique label) or 'static,label=CONTEXT'", requiresArg: true })
      .option('dry-run', { type: 'boolean', describe: 'print the plan and write nothing' })
      .example('$0 create -u apache2.service apache1', 'sandbox apache2 (Fedora: -u httpd.service)')
      .example('$0 create -u sbxdemo -P extra-data --exclude /var/log/sbxdemo demo1', '')
      .example('$0 create --dry-run -u apache2.service apache1', 'show every path, unit and the label') as never,
  // A full disk or a read-only file system is one line, not a stack (apply/host-error.ts).
  handler: withHostErrors(async (argv) => {
    validateName(argv.name);
    const req: CreateRequest = {
      name: argv.name,
      units: toList(argv.unit),
      packages: toList(argv.package),
      copy: toList(argv.copy),
      exclude: toList(argv.exclude),
      network: parseNetwork(argv.network),
      security: parseSecurity(argv.security),
    };
    if (new Set(req.units).size !== req.units.length) throw new UsageError('a unit is given twice with -u');
    requireAbsolute('--copy', req.copy);
    requireAbsolute('--exclude', req.exclude);
    const paths = pathsOf(argv);
    if (!argv.dryRun) requireRootUnlessOffline(paths);
    const config = await readToolConfig(paths);
    const client = paths.offline ? undefined : await SystemdClient.connect();
    try {
      await assertNameFree(paths, req.name);
      const facts = await gatherFacts(paths, req, client);
      const ctx = { version: VERSION, now: new Date(), extraSharedDirs: config.extraSharedDirs };
      if (argv.dryRun) {
        const label = await labelFor(paths, config, req, { dryRun: true });
        const plan = planCreate(req, facts, label.planned, ctx);
        process.stdout.write(formatPlan(plan, await payloadSize(paths, plan), label.note));
        return;
      }
      let plan: CreatePlan;
      try {
        plan = await reserveAndApply(paths, config, req, facts, ctx, client);
      } catch (e) {
        // What a label write cut short by a full disk left (a temp file, a half-made
        // reservation) goes now, not at the next command.
        await reclaimOwnLabels(paths).catch(() => undefined);
        throw e;
      }
      for (const u of plan.units) {
        await logEvent({ name: plan.name, unit: u, label: plan.label.level, action: 'create', message: `sandbox ${plan.name}: created ${u} with label ${plan.label.level}` });
      }
      console.log(`Created sandbox ${plan.name} (${plan.units.join(' ')}) with label ${plan.label.level} in ${plan.tree}.`);
      console.log(`Start it with: sandbox start ${plan.name}   (or: systemctl start ${plan.units[0]})`);
      const warning = await policyWarning(paths, plan.units);
      if (warning) note(warning);
    } finally {
      client?.close();
    }
  }),
};
