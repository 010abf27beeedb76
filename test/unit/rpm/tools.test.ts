// The small parsers behind the generated man page, completion and spec.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commandSpec, parseExitCodes, parseHelpOptions, parseSummary } from '../../../tools/cli-model.js';
import { moduleOf } from '../../../tools/bundled.js';
import { fillSpec, nodeMajor } from '../../../tools/stage-rpm.js';
import { createCommand } from '../../../src/commands/create.js';
import type { CommandModule } from 'yargs';

const HELP = `Usage: sandbox COMMAND [OPTIONS]
Turn a service into
sandboxes.

Commands:
  sandbox list   list

Options:
      --root      work on the files under DIR, like systemctl --root (no daemon is contacted)
                                                                                            [string]
  -h, --help      Show help                                                                [boolean]
  -n, --lines     how many                                                [number] [default: 50]

Exit codes: 0 ok, 1 failed, 3 not found.
`;

test('parseHelpOptions joins wrapped lines and reads the type tags', () => {
  assert.equal(
    parseHelpOptions(HELP).map((o) => [o.name, o.aliases, o.takesValue, o.describe]),
    [
      ['root', [], true, 'work on the files under DIR, like systemctl --root (no daemon is contacted)'],
      ['help', ['h'], false, 'Show help'],
      ['lines', ['n'], true, 'how many'],
    ],
  );
});

test('parseExitCodes and parseSummary read the epilog and the summary', () => {
  assert.equal(parseExitCodes(HELP), [
    { code: 0, meaning: 'ok' },
    { code: 1, meaning: 'failed' },
    { code: 3, meaning: 'not found' },
  ]);
  assert.is(parseSummary(HELP), 'Turn a service into sandboxes.');
});

test('commandSpec records what a builder declares', () => {
  const c = commandSpec(createCommand as unknown as CommandModule);
  assert.is(c.name, 'create');
  assert.equal(c.positionals.map((p) => [p.name, p.required, p.variadic]), [['names', true, true]]);
  const unit = c.options.find((o) => o.name === 'unit')!;
  assert.equal([unit.aliases, unit.required, unit.takesValue], [['u'], true, true]);
  assert.is(c.options.find((o) => o.name === 'dry-run')?.takesValue, false);
  assert.ok(c.examples.length > 0, 'create declares examples');
  assert.ok(c.examples.every((e) => e.command.startsWith('sandbox create')));
});

test('moduleOf names the innermost module of a bundled input', () => {
  assert.is(moduleOf('node_modules/yargs/build/lib/yargs.js'), 'yargs');
  assert.is(moduleOf('node_modules/@sec-ant/readable-stream/dist/x.js'), '@sec-ant/readable-stream');
  assert.is(moduleOf('node_modules/execa/node_modules/path-key/index.js'), 'path-key');
  assert.is(moduleOf('dist/src/cli.js'), undefined);
});

test('fillSpec fills every field and refuses an unknown one', () => {
  assert.is(fillSpec('Version: @VERSION@\n', { VERSION: '1.2.3' }), 'Version: 1.2.3\n');
  assert.throws(() => fillSpec('URL: @URL@\n', {}), /no value for @URL@/);
  assert.is(nodeMajor('>=20'), '20');
  assert.is(nodeMajor('^18.19.0 || >=20.5.0'), '18');
  assert.throws(() => nodeMajor(undefined));
});

test.run();
