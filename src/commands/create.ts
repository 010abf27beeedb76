import type { CommandModule } from 'yargs';
import { ExitCode, UsageError } from '../errors.js';
import { readToolConfig } from '../config/tool-config.js';
import { listRecords } from '../config/record.js';
import { nameTaken } from '../create/apply.js';
import { checkBatch, existingError } from '../create/batch.js';
import { gatherFacts } from '../create/gather.js';
import { planCreate, PROBE_LABEL } from '../create/plan.js';
import { formatPlan } from '../create/print-plan.js';
import { parseNetwork, parseSecurity, requireAbsolute, type CreateRequest } from '../create/request.js';
import { labelFor, openLabelSource } from '../create/reserve-label.js';
import { payloadSize } from '../create/size.js';
import { validateName } from '../lifecycle/sandboxes.js';
import { SystemdClient } from '../systemd/client.js';
import { VERSION } from '../version.js';
import { pathsOf, setExitCode, toList, withJson, type GlobalArgs, type JsonArgs } from './common.js';
import type { Change } from '../apply/change.js';
import { createChanges } from '../create/changes.js';
import { summariseChanges } from '../output/changes.js';
import { printJson } from '../output/json.js';
import { note } from '../output/note.js';
import { runSandboxJobs } from '../lifecycle/jobs.js';
import { withHostErrors } from '../apply/host-error.js';
import { createAll, type Created } from '../create/run.js';
import { createNotes } from '../create/policy-warning.js';
import { DEFAULT_PROFILE, PROFILES, parseProfile } from '../generate/profiles.js';
import { installedHelper } from '../landlock/helper.js';
import { parsePublishList } from '../publish/spec.js';
import { parseCpu, parseIoWeight, parseMemory, parseTasks, type Limits } from '../limits/spec.js';
import { hostSize } from '../limits/host.js';
import { assertPortsFree } from '../publish/ports.js';

export interface CreateArgs extends GlobalArgs, JsonArgs {
  names: string[];
  unit: string | string[];
  package?: string | string[];
  copy?: string | string[];
  exclude?: string | string[];
  network: string;
  security?: string;
  profile?: string;
  allowDbus?: boolean;
  publish?: string | string[];
  memory?: string;
  cpu?: string;
  tasks?: string;
  ioWeight?: string;
  dryRun?: boolean;
  now?: boolean;
}

/** --memory, --cpu, --tasks, --io-weight, each checked against the host. */
function createLimits(argv: CreateArgs): Limits {
  const host = hostSize();
  return {
    ...(argv.memory !== undefined ? { memory: parseMemory(argv.memory, host) } : {}),
    ...(argv.cpu !== undefined ? { cpu: parseCpu(argv.cpu, host) } : {}),
    ...(argv.tasks !== undefined ? { tasks: parseTasks(argv.tasks) } : {}),
    ...(argv.ioWeight !== undefined ? { ioWeight: parseIoWeight(argv.ioWeight) } : {}),
  };
}

/** The requests the command line asks for; every usage error is thrown here, before anything is read. */
export function createRequests(argv: CreateArgs): CreateRequest[] {
  const names = argv.names ?? [];
  names.forEach(validateName);
  const security = parseSecurity(argv.security);
  const profile = parseProfile(argv.profile);
  checkBatch(names, security);
  const base = {
    units: toList(argv.unit),
    packages: toList(argv.package),
    copy: toList(argv.copy),
    exclude: toList(argv.exclude),
    network: parseNetwork(argv.network),
    security,
    profile,
    allowDbus: argv.allowDbus === true,
    publish: parsePublishList(toList(argv.publish)),
    limits: createLimits(argv),
  };
  if (base.publish.length && names.length > 1) throw new UsageError('--publish names host ports: give it to one sandbox at a time');
  if (base.publish.length && base.network === 'host') throw new UsageError("--publish needs the private network: a sandbox with --network host is reached on the host's own ports");
  if (new Set(base.units).size !== base.units.length) throw new UsageError('a unit is given twice with -u');
  requireAbsolute('--copy', base.copy);
  requireAbsolute('--exclude', base.exclude);
  return names.map((name) => ({ name, ...base }));
}

/** A sandbox of the batch is made: what changed (runs summed up), and the one line that names it. */
function printCreated({ plan, changes }: Created): void {
  for (const line of summariseChanges(changes)) console.log(line);
  console.log(`Created sandbox ${plan.name} (${plan.units.join(' ')}) with label ${plan.label.level} in ${plan.tree}.`);
}

export const createCommand: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create <names..>',
  describe: "make sandboxes from installed services: clone their package's /etc and /var, label each, generate its units",
  builder: (y) =>
    withJson(y)
      .positional('names', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'sandbox names (systemd instance names); several: one daemon-reload for all',
      })
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
      .option('profile', {
        type: 'string',
        requiresArg: true,
        // Checked by the handler (one-line error), like --network.
        describe: `hardening profile, units/profiles/NAME.conf: ${PROFILES.join(', ')} (default: ${DEFAULT_PROFILE}); never swapped for a weaker one`,
      })
      .option('allow-dbus', {
        type: 'boolean',
        describe: "bind the host's system D-Bus into the sandbox. RISK: a root service can then ask the host's systemd to run any command as host root, outside the sandbox",
      })
      .option('publish', {
        alias: 'p',
        type: 'string',
        requiresArg: true,
        describe: "publish a TCP port of the sandbox's private network on the host: [ADDRESS:]HOSTPORT:PORT (repeatable; one sandbox only)",
      })
      .option('memory', { type: 'string', requiresArg: true, describe: "memory limit (systemd's MemoryMax=): SIZE like 512M or 2G" })
      .option('cpu', { type: 'string', requiresArg: true, describe: "CPU limit (CPUQuota=): percent of one CPU, 200 for two" })
      .option('tasks', { type: 'string', requiresArg: true, describe: 'most processes and threads at once (TasksMax=)' })
      .option('io-weight', { type: 'string', requiresArg: true, describe: 'share of block I/O (IOWeight=): 1 to 10000, 100 by default' })
      .option('dry-run', { type: 'boolean', describe: 'print the plan and write nothing' })
      .option('now', { type: 'boolean', describe: 'start the sandboxes once created (like sandbox start)' })
      .example('$0 create -u apache2.service apache1', 'sandbox apache2 (Fedora: -u httpd.service)')
      .example('$0 create -u apache2.service web1 web2 web3', 'three sandboxes, one daemon-reload')
      .example('$0 create --now -u apache2.service web4', 'create and start it')
      .example('$0 create --profile strict -u apache2 web5', 'fewer capabilities, no JIT')
      .example('$0 create -u apache2.service -p 8080:80 web6', "host port 8080 forwards to port 80 in the sandbox")
      .example('$0 create -u sbxdemo -P extra-data --exclude /var/log/sbxdemo demo1', '')
      .example('$0 create --dry-run -u apache2.service apache1', 'show every path, unit and the label') as never,
  // A full disk or a read-only file system is one line, not a stack (apply/host-error.ts).
  handler: withHostErrors(async (argv) => {
    const reqs = createRequests(argv);
    const names = reqs.map((r) => r.name);
    const paths = pathsOf(argv);
    const config = await readToolConfig(paths);
    const client = paths.offline ? undefined : await SystemdClient.connect();
    try {
      const existing: string[] = [];
      for (const n of names) if (await nameTaken(paths, n)) existing.push(n);
      const taken = existingError(existing);
      if (taken) throw taken;
      if (!paths.offline && reqs[0]!.publish.length) await assertPortsFree(reqs[0]!.publish, await listRecords(paths));
      // The facts (unit files, package lists, the host's paths) are the same for every name: read once.
      const facts = await gatherFacts(paths, reqs[0]!, client);
      for (const line of facts.vendorNotes) process.stderr.write(line + '\n');
      const ctx = { version: VERSION, now: new Date(), extraSharedDirs: config.extraSharedDirs, landlockHelper: await installedHelper(paths) };
      // Paths no unit can name are refused here, before a label is reserved (the names only differ in safe characters).
      planCreate(reqs[0]!, facts, PROBE_LABEL, ctx);
      const changes: Change[] = [];
      if (argv.dryRun) {
        const labels = await openLabelSource(paths, config);
        for (const req of reqs) {
          const label = await labelFor(labels, req, { dryRun: true });
          const plan = planCreate(req, facts, label.planned, ctx);
          if (argv.json) changes.push(...createChanges(plan));
          else process.stdout.write(formatPlan(plan, await payloadSize(paths, plan), label.note, createChanges(plan)));
        }
        if (argv.json) printJson({ changes });
        return;
      }
      const plans = await createAll(paths, config, reqs, facts, ctx, client, (d) => (argv.json ? changes.push(...d.changes) : printCreated(d)));
      if (argv.json) printJson({ changes });
      // Each sandbox is whole and kept; a warning if it cannot start yet, a note if SELinux does not enforce.
      for (const line of await createNotes(paths, plans.flatMap((p) => p.units))) note(line);
      if (argv.now && client) {
        const reports = await runSandboxJobs(paths, client, 'start', plans.map((p) => p.record), argv.json ? note : (l) => console.log(l));
        if (reports.some((r) => !r.ok)) setExitCode(ExitCode.failure);
        return;
      }
      if (argv.json) return;
      const first = plans[0]!;
      const more = plans.length > 1;
      console.log(`Start ${more ? 'them' : 'it'} with: sandbox start ${names.join(' ')}${more ? '' : `   (or: systemctl start ${first.units[0]})`}`);
    } finally {
      client?.close();
    }
  }),
};
