import type { CommandModule } from 'yargs';
import { formatChecks, type Check } from '../doctor/check.js';
import { checkLabelSpace, checkPackageManagers } from '../doctor/more-checks.js';
import { checkContexts, checkDir, checkRoot, checkSelinux, checkSystemd } from '../doctor/checks.js';
import { printJson } from '../output/json.js';
import { ExitCode } from '../errors.js';
import { pathsOf, setExitCode, withJson, type GlobalArgs, type JsonArgs } from './common.js';

type Args = GlobalArgs & JsonArgs;

export const doctorCommand: CommandModule<GlobalArgs, Args> = {
  command: 'doctor',
  describe: 'check that this host can run sandboxes',
  builder: (y) => withJson(y).example('$0 doctor', 'show each check as ok/warn/fail').example('$0 doctor --json', 'the same as JSON'),
  handler: async (argv) => {
    const paths = pathsOf(argv);
    const checks: Check[] = [
      checkRoot(paths),
      await checkSystemd(paths),
      await checkSelinux(paths),
      await checkContexts(paths),
      await checkPackageManagers(paths),
      await checkLabelSpace(paths),
      await checkDir('state directory', paths.stateDir),
      await checkDir('config directory', paths.configDir),
    ];
    const failed = checks.some((c) => c.status === 'fail');
    if (argv.json) printJson({ ok: !failed, checks });
    else process.stdout.write(formatChecks(checks));
    if (failed) setExitCode(ExitCode.failure);
  },
};
