// src/: the product, a functional core (pure planning) with thin effectors; this is its entry.
// The yargs program: global options, the command list, and the two kinds of
// error. A usage error prints the usage and exits 2; an expected failure
// (SandboxError) prints one line and exits with its code; anything else is a
// bug and keeps its stack.
import yargs from 'yargs';
import { commands } from './commands/index.js';
import { rootDirMiddleware } from './commands/root-dir.js';
import { ExitCode, UsageError, escapeControls, isSandboxError } from './errors.js';
import { VERSION } from './version.js';

export async function main(argv: string[]): Promise<number> {
  const parser = yargs(argv)
    .scriptName('sandbox')
    .usage('Usage: $0 COMMAND [OPTIONS]')
    .usage('Turn an installed system service into isolated, SELinux-labelled sandboxes run by systemd.')
    .option('root', {
      type: 'string',
      describe: 'work on the files under DIR, like systemctl --root (no daemon is contacted)',
      global: true,
    })
    .command(commands)
    .middleware(rootDirMiddleware as never)
    .demandCommand(1, 'Name a command: see the list above.')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(VERSION)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .epilog('Exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 conflict, 5 unavailable.')
    .fail((msg, err, y) => {
      if (err) throw err;
      y.showHelp((s: string) => process.stderr.write(s + '\n\n'));
      // yargs' suggestion alone ("Did you mean logs?") does not say what was wrong
      throw new UsageError(/^Did you mean/.test(msg) ? `unknown command '${argv[0]}'. ${msg}` : msg);
    });
  try {
    await parser.parseAsync();
  } catch (e) {
    if (isSandboxError(e)) {
      // The last guard: a message that quotes a hostile value still prints as one line with no control character.
      process.stderr.write(`sandbox: ${escapeControls(e.message)}\n`);
      return e.exitCode;
    }
    process.stderr.write(`sandbox: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return ExitCode.failure;
  }
  return Number(process.exitCode ?? 0);
}
