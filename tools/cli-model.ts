// tools/: build-time tools, not the product: man page, bash completion, RPM staging.
// The CLI as data, for the generated man page and bash completion: each command
// module's builder is run against a recorder (so every option, positional and
// example comes from the same definitions yargs uses), and what only the
// top-level program declares (the global options, the exit codes of the
// epilog, the description) is read from `sandbox --help`, so none of it is
// written twice.
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule, Options } from 'yargs';
import { commands } from '../src/commands/index.js';

export interface OptionSpec {
  name: string;
  aliases: string[];
  describe: string;
  /** True when the option is followed by a value (not a boolean flag). */
  takesValue: boolean;
  choices: string[];
  default?: unknown;
  required: boolean;
}

export interface PositionalSpec {
  name: string;
  describe: string;
  required: boolean;
  variadic: boolean;
}

export interface ExampleSpec {
  command: string;
  describe: string;
}

export interface CommandSpec {
  name: string;
  aliases: string[];
  describe: string;
  positionals: PositionalSpec[];
  options: OptionSpec[];
  examples: ExampleSpec[];
}

export interface ExitCodeSpec {
  code: number;
  meaning: string;
}

export interface CliModel {
  program: string;
  /** The lines yargs prints after "Usage:" (the one-line summary). */
  summary: string;
  globalOptions: OptionSpec[];
  commands: CommandSpec[];
  exitCodes: ExitCodeSpec[];
}

const PROGRAM = 'sandbox';
// Compiled to dist/tools/: the CLI entry point is dist/src/cli.js.
const CLI_JS = fileURLToPath(new URL('../src/cli.js', import.meta.url));

function optionSpec(name: string, o: Options): OptionSpec {
  const aliases = o.alias === undefined ? [] : Array.isArray(o.alias) ? [...o.alias] : [o.alias as string];
  const choices = (o.choices as readonly unknown[] | undefined)?.map(String) ?? [];
  return {
    name,
    aliases,
    describe: String(o.describe ?? o.description ?? o.desc ?? ''),
    takesValue: o.type !== 'boolean' && o.type !== 'count' && !o.boolean,
    choices,
    default: o.default,
    required: Boolean(o.demandOption),
  };
}

/** "create <name>" → the name and its positionals in order. */
function parseCommandString(command: string): { name: string; positionals: PositionalSpec[] } {
  const [name, ...rest] = command.trim().split(/\s+/);
  const positionals = rest.map((token) => {
    const required = token.startsWith('<');
    const inner = token.slice(1, -1);
    const variadic = inner.endsWith('..');
    return { name: variadic ? inner.slice(0, -2) : inner, describe: '', required, variadic };
  });
  return { name: name!, positionals };
}

/** Runs a builder against an object that records what it declares and answers every other call with itself. */
function record(builder: CommandModule['builder']): { options: OptionSpec[]; positionals: Map<string, Options>; examples: ExampleSpec[] } {
  const options: OptionSpec[] = [];
  const positionals = new Map<string, Options>();
  const examples: ExampleSpec[] = [];
  const addOptions = (map: Record<string, Options>) => Object.entries(map).forEach(([k, o]) => options.push(optionSpec(k, o)));
  if (builder && typeof builder === 'object') addOptions(builder as Record<string, Options>);
  if (typeof builder === 'function') {
    const recorder: Argv = new Proxy({} as Argv, {
      get: (_t, method) => (...args: unknown[]) => {
        if (method === 'option' || method === 'options') {
          if (typeof args[0] === 'string') options.push(optionSpec(args[0], (args[1] ?? {}) as Options));
          else addOptions(args[0] as Record<string, Options>);
        } else if (method === 'positional') {
          positionals.set(args[0] as string, (args[1] ?? {}) as Options);
        } else if (method === 'example') {
          examples.push({ command: String(args[0]).replace(/\$0/g, PROGRAM), describe: String(args[1] ?? '') });
        }
        return recorder;
      },
    });
    (builder as (y: Argv) => unknown)(recorder);
  }
  return { options, positionals, examples };
}

export function commandSpec(module: CommandModule): CommandSpec {
  const command = Array.isArray(module.command) ? module.command[0] : (module.command as string);
  const { name, positionals } = parseCommandString(command);
  const recorded = record(module.builder);
  const aliases = module.aliases === undefined ? [] : Array.isArray(module.aliases) ? [...module.aliases] : [module.aliases as string];
  return {
    name,
    aliases,
    describe: typeof module.describe === 'string' ? module.describe : '',
    positionals: positionals.map((p) => ({ ...p, describe: String(recorded.positionals.get(p.name)?.describe ?? '') })),
    options: recorded.options,
    examples: recorded.examples,
  };
}

/** The Options: block of a yargs help text, e.g. "      --root     work on … DIR …  [string]". */
export function parseHelpOptions(help: string): OptionSpec[] {
  const block = /(?:^|\n)Options:\n([\s\S]*?)(?:\n\n|$)/.exec(help)?.[1] ?? '';
  const out: OptionSpec[] = [];
  for (const line of block.split('\n')) {
    const m = /^\s+(?:-(\w), )?--([\w-]+)\s*(.*)$/.exec(line);
    if (m) {
      out.push({ name: m[2]!, aliases: m[1] ? [m[1]] : [], describe: m[3]!, takesValue: false, choices: [], required: false });
    } else if (out.length && line.trim()) {
      out[out.length - 1]!.describe += ' ' + line.trim(); // a wrapped description or its [type] tags
    }
  }
  for (const o of out) {
    const tags = [...o.describe.matchAll(/\[([^\]]+)\]/g)].map((t) => t[1]!);
    o.takesValue = tags.some((t) => t === 'string' || t === 'number' || t === 'array');
    o.required = tags.includes('required');
    o.describe = o.describe.replace(/\s*(\[[^\]]+\]\s*)+$/, '').replace(/\s+/g, ' ').trim();
  }
  return out;
}

/** "Exit codes: 0 ok, 1 failed, 2 usage." → [{0, ok}, {1, failed}, {2, usage}] */
export function parseExitCodes(help: string): ExitCodeSpec[] {
  const line = /^Exit codes:\s*(.*)$/m.exec(help)?.[1] ?? '';
  return [...line.replace(/\.$/, '').matchAll(/(\d+)\s+([^,]+)/g)].map((m) => ({ code: Number(m[1]), meaning: m[2]!.trim() }));
}

/** The summary line(s) between "Usage: …" and the Commands: block. */
export function parseSummary(help: string): string {
  const m = /^Usage:[^\n]*\n([\s\S]*?)\n\n/m.exec(help);
  return (m?.[1] ?? '').replace(/\s+/g, ' ').trim();
}

export function topLevelHelp(): string {
  // COLUMNS does not reach yargs when stdout is a pipe: it wraps at 100, which parseHelpOptions undoes.
  return execFileSync(process.execPath, [CLI_JS, '--help'], { encoding: 'utf8' });
}

export function cliModel(help: string = topLevelHelp()): CliModel {
  return {
    program: PROGRAM,
    summary: parseSummary(help),
    globalOptions: parseHelpOptions(help),
    commands: commands.map((c) => commandSpec(c as CommandModule)),
    exitCodes: parseExitCodes(help),
  };
}

/** How an option's value is shown: --unit UNIT, --network none|host. */
export function valueName(o: OptionSpec): string {
  if (o.choices.length) return o.choices.join('|');
  const words: Record<string, string> = { root: 'DIR', copy: 'PATH', exclude: 'PATH', all: 'UNIT', lines: 'N', network: 'MODE', security: 'SPEC' };
  return words[o.name] ?? o.name.toUpperCase();
}

/** True when this module is the program node was started with (the generators double as scripts). */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(moduleUrl) === realpathSync(process.argv[1]);
}
