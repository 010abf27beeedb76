import type { CommandModule } from 'yargs';
import { fail, formatChecks, warn, type Check } from '../doctor/result.js';
import { checkDir, checkLabelSpace, checkPackageManagers, checkRoot, checkSystemd } from '../doctor/host-checks.js';
import { checkContexts, checkPolicyModule, checkPolicyTypes, checkSelinux } from '../doctor/selinux-checks.js';
import { selinuxReadiness } from '../selinux/readiness.js';
import { consistencyChecks, findInconsistencies } from '../doctor/consistency.js';
import type { Finding } from '../doctor/known.js';
import { printJson } from '../output/json.js';
import { ExitCode } from '../errors.js';
import type { Paths } from '../paths.js';
import { withSystemd } from '../systemd/client.js';
import { withHostErrors } from '../apply/host-error.js';
import { pathsOf, setExitCode, withJson, type GlobalArgs, type JsonArgs } from './common.js';
import { runRecovery } from './recovery.js';
import { bootRecovery } from './boot-recovery.js';
import { mayChange } from './table.js';
import { checkPackageVersions } from '../doctor/upgrade-checks.js';

export interface DoctorArgs extends GlobalArgs, JsonArgs {
  repair?: boolean;
  recover?: boolean;
}

/** Finish interrupted operations, remove every repairable leftover, then look again: the checks of what is left. */
async function repair(paths: Paths): Promise<Check[]> {
  await runRecovery(paths);
  const repaired: Finding[] = [];
  const refused: Check[] = [];
  for (const f of (await findInconsistencies(paths)).findings) {
    if (!f.repair) continue;
    try {
      await f.repair();
      repaired.push(f);
    } catch (e) {
      // e.g. safe-remove refusing a path that leads outside the tool's directories
      refused.push(fail(f.kind, `could not repair: ${(e as Error).message}`));
    }
  }
  const left = await findInconsistencies(paths);
  const checks = [...consistencyChecks(left.findings, left.sandboxes, repaired), ...refused];
  if (!paths.offline && repaired.some((f) => f.kind === 'orphan unit')) {
    await withSystemd((c) => c.daemonReload()).catch((e: Error) => checks.push(warn('daemon-reload', `unit files were removed but systemd was not reloaded: ${e.message}`)));
  }
  return checks;
}

export const doctorCommand: CommandModule<GlobalArgs, DoctorArgs> = {
  command: 'doctor',
  describe: 'check that this host can run sandboxes, and that every sandbox is whole and nothing is left over',
  builder: (y) =>
    withJson(y)
      .option('repair', {
        type: 'boolean',
        describe: 'finish interrupted creates and deletes, and remove what was generated for sandboxes that have no record (trees, units, labels); never removes a record',
      })
      .option('recover', {
        type: 'boolean',
        describe: 'only finish interrupted deletes and roll back interrupted creates, then reload systemd; no checks (what sandbox-recover.service runs at boot)',
      })
      .conflicts('recover', ['repair', 'json'])
      .example('$0 doctor', 'show each check as ok/warn/fail')
      .example('$0 doctor --repair', 'also clean up leftovers')
      .example('$0 doctor --json', 'the same as JSON') as never,
  handler: withHostErrors(async (argv) => {
    const paths = pathsOf(argv);
    if (argv.recover) return bootRecovery(paths);
    // Repair first, so the host checks (label space) show the repaired state.
    let consistency: Check[];
    if (argv.repair) consistency = await repair(paths);
    else if (!mayChange(paths)) {
      // The state dir is root's only: as anyone else every tree would look missing.
      consistency = [warn('consistency', `not checked: reading ${paths.stateDir} needs root`)];
    } else {
      const { findings, sandboxes } = await findInconsistencies(paths);
      consistency = consistencyChecks(findings, sandboxes);
    }
    const se = await selinuxReadiness(paths);
    const checks: Check[] = [
      checkRoot(paths),
      await checkSystemd(paths),
      checkSelinux(se),
      checkContexts(se),
      checkPolicyTypes(se),
      checkPolicyModule(se),
      await checkPackageManagers(paths),
      await checkLabelSpace(paths),
      await checkDir('state directory', paths.stateDir),
      await checkDir('config directory', paths.configDir),
      ...consistency,
      ...(await checkPackageVersions(paths)),
    ];
    const failed = checks.some((c) => c.status === 'fail');
    if (argv.json) printJson({ ok: !failed, checks });
    else process.stdout.write(formatChecks(checks));
    if (failed) setExitCode(ExitCode.failure);
  }),
};
