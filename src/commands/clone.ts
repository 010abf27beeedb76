import type { ArgumentsCamelCase, CommandModule } from 'yargs';
import { ExitCode, UsageError } from '../errors.js';
import { readToolConfig } from '../config/tool-config.js';
import { nameTaken } from '../create/apply.js';
import { existingError } from '../create/batch.js';
import { labelFor, openLabelSource } from '../create/reserve-label.js';
import { gatherCloneFacts } from '../clone/gather.js';
import { cloneChanges, planClone } from '../clone/plan.js';
import { formatClonePlan } from '../clone/print-plan.js';
import { cloneSandbox } from '../clone/run.js';
import { treeSize } from '../clone/size.js';
import { PROBE_LABEL } from '../create/plan.js';
import { validateName } from '../lifecycle/sandboxes.js';
import { runSandboxJobs } from '../lifecycle/jobs.js';
import { withHostErrors } from '../apply/host-error.js';
import { createNotes } from '../create/policy-warning.js';
import { SystemdClient } from '../systemd/client.js';
import { note } from '../output/note.js';
import { VERSION } from '../version.js';
import { pathsOf, setExitCode, withJson, type GlobalArgs, type JsonArgs } from './common.js';
import { summariseChanges } from '../output/changes.js';
import { printJson } from '../output/json.js';

export interface CloneArgs extends GlobalArgs, JsonArgs {
  source: string;
  name: string;
  dryRun?: boolean;
  now?: boolean;
}

/** The command line alone: both names valid and different (before anything is read). */
export function checkCloneArgs(argv: ArgumentsCamelCase<CloneArgs>): void {
  validateName(argv.source);
  validateName(argv.name);
  if (argv.source === argv.name) throw new UsageError(`clone '${argv.source}' under another name`);
}

export const cloneCommand: CommandModule<GlobalArgs, CloneArgs> = {
  command: 'clone <source> <name>',
  describe: 'copy a sandbox into a new one with its own label and units',
  builder: (y) =>
    withJson(y.positional('source', { type: 'string', demandOption: true, describe: 'the sandbox to copy' }).positional('name', { type: 'string', demandOption: true, describe: 'the new sandbox' }))
      .option('dry-run', { type: 'boolean', describe: 'print the plan and write nothing' })
      .option('now', { type: 'boolean', describe: 'start the clone once made (like sandbox start)' })
      .example('$0 clone web1 web2', 'web2 starts as a copy of web1, with its own label')
      .example('$0 clone --dry-run web1 web2', 'show the units, the record and the label')
      .epilog(
        'The copy keeps owners, modes, links, xattrs and times (reflinks where the file system has them); devices, fifos and sockets are not copied. ' +
          "Limits, profile, network and D-Bus are the source's; published ports are not (a host port serves one sandbox: publish the clone's own). " +
          'The source may run: it is copied file by file, not as a snapshot, so files it writes meanwhile may be copied before or after a change; it is never changed.',
      ) as never,
  // A full disk or a read-only file system is one line, not a stack (apply/host-error.ts).
  handler: withHostErrors(async (argv) => {
    checkCloneArgs(argv);
    const paths = pathsOf(argv);
    const facts = await gatherCloneFacts(paths, argv.source);
    const taken = existingError((await nameTaken(paths, argv.name)) ? [argv.name] : []);
    if (taken) throw taken;
    const config = await readToolConfig(paths);
    const ctx = { version: VERSION, now: new Date() };
    // What no unit can hold is refused here, before a label is reserved.
    planClone(facts, argv.name, PROBE_LABEL, ctx);
    if (argv.dryRun) {
      const label = await labelFor(await openLabelSource(paths, config), { name: argv.name, security: { kind: 'dynamic' } }, { dryRun: true });
      const plan = planClone(facts, argv.name, label.planned, ctx);
      if (argv.json) printJson({ changes: cloneChanges(plan) });
      else process.stdout.write(formatClonePlan(plan, await treeSize(paths.host(plan.source.tree)), label.note, cloneChanges(plan)));
      return;
    }
    const client = paths.offline ? undefined : await SystemdClient.connect();
    try {
      const { plan, skipped, changes } = await cloneSandbox(paths, config, facts, argv.name, ctx, note);
      if (client) {
        note('Reloading systemd (1 new sandbox)');
        await client.daemonReload();
      }
      for (const s of skipped) note(`not copied: ${s.path} (${s.reason})`);
      for (const n of plan.notes) note(n);
      for (const line of await createNotes(paths, plan.units)) note(line);
      if (argv.json) printJson({ changes });
      else {
        for (const line of summariseChanges(changes)) console.log(line);
        console.log(`Cloned sandbox ${plan.source.name} as ${plan.name} (${plan.units.join(' ')}) with label ${plan.label.level} in ${plan.tree}.`);
      }
      if (argv.now && client) {
        const reports = await runSandboxJobs(paths, client, 'start', [plan.record], argv.json ? note : (l) => console.log(l));
        if (reports.some((r) => !r.ok)) setExitCode(ExitCode.failure);
        return;
      }
      if (argv.json) return;
      console.log(`Start it with: sandbox start ${plan.name}   (or: systemctl start ${plan.units[0]})`);
    } finally {
      client?.close();
    }
  }),
};
