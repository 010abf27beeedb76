// What `sandbox --help` lists, read from the help text itself: the generators
// in tools/ read the command modules instead, so the tests compare the
// man page and the completion with what users actually see.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Compiled to dist/test/unit/rpm/: the CLI is dist/src/cli.js, the checkout four levels up.
export const CLI_JS = fileURLToPath(new URL('../../../src/cli.js', import.meta.url));
export const PROJECT_DIR = fileURLToPath(new URL('../../../../', import.meta.url));

export function helpText(...args: string[]): string {
  return execFileSync(process.execPath, [CLI_JS, ...args, '--help'], { encoding: 'utf8' });
}

/** The names in the Commands: block ("  sandbox create <name>   make a …"). */
export function helpCommands(): string[] {
  const block = /(?:^|\n)Commands:\n([\s\S]*?)\n\n/.exec(helpText())?.[1] ?? '';
  return [...block.matchAll(/^ {2}sandbox (\S+)/gm)].map((m) => m[1]!);
}
