// The bash completion, generated from the command modules, run in a real bash:
// source it, set COMP_WORDS/COMP_CWORD, call _sandbox, read COMPREPLY.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliModel, parseHelpOptions } from '../../../tools/cli-model.js';
import { VALUE_WORDS, renderCompletion } from '../../../tools/gen-completion.js';
import { parseNetwork, parseSecurity } from '../../../src/create/request.js';
import { helpCommands, helpText } from './help.js';

let tmp = '';
let script = '';
let root = '';

test.before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-completion-'));
  script = path.join(tmp, 'sandbox');
  await fs.writeFile(script, renderCompletion(cliModel()));
  // A --root tree with two sandboxes, and the tool's config (not a sandbox).
  root = path.join(tmp, 'root');
  await fs.mkdir(path.join(root, 'etc/sandbox'), { recursive: true });
  for (const f of ['apache1.sandbox', 'web2.sandbox', 'sandbox.conf']) await fs.writeFile(path.join(root, 'etc/sandbox', f), '');
});
test.after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** COMPREPLY for the line `words…` with the cursor at the end of the last word. */
function complete(...words: string[]): string[] {
  const out = execFileSync(
    'bash',
    ['--norc', '--noprofile', '-c', 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sandbox; printf "%s\\n" "${COMPREPLY[@]}"', 'bash', script, ...words],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean).sort();
}

test('the script is valid bash and registers _sandbox for sandbox', () => {
  const out = execFileSync('bash', ['--norc', '-c', 'source "$1" && complete -p sandbox', 'bash', script], { encoding: 'utf8' });
  assert.is(out.trim(), 'complete -F _sandbox sandbox');
});

test('every command of sandbox --help is offered first', () => {
  assert.equal(complete('sandbox', ''), helpCommands().sort());
});

test('sandbox st<TAB> offers start, status and stop', () => {
  assert.equal(complete('sandbox', 'st'), ['start', 'status', 'stop']);
});

test('sandbox start <TAB> offers the sandboxes of the --root tree, not its config', () => {
  assert.equal(complete('sandbox', '--root', root, 'start', ''), ['apache1', 'web2']);
  assert.equal(complete('sandbox', 'start', '--root', root, 'a'), ['apache1']);
  // '=' is a word break for bash: --root=DIR arrives as three words
  assert.equal(complete('sandbox', 'rm', '--root', '=', root, ''), ['apache1', 'web2']);
});

test('a command that takes one name stops offering names after it', () => {
  assert.equal(complete('sandbox', '--root', root, 'status', 'apache1', ''), []);
  assert.equal(complete('sandbox', '--root', root, 'logs', '-n', '5', ''), ['apache1', 'web2']);
});

test('create names a new sandbox: no existing names offered', () => {
  assert.equal(complete('sandbox', '--root', root, 'create', ''), []);
});

test("each command's options, as its --help lists them, are offered after -", () => {
  for (const c of helpCommands()) {
    const offered = complete('sandbox', c, '-');
    for (const o of parseHelpOptions(helpText(c))) {
      for (const flag of [`--${o.name}`, ...o.aliases.map((a) => `-${a}`)]) assert.ok(offered.includes(flag), `${c}: ${flag} not in ${offered.join(' ')}`);
    }
  }
});

test('option values: --network and --security words, --root directories', () => {
  assert.equal(complete('sandbox', 'create', '--network', ''), ['host', 'none']);
  assert.equal(complete('sandbox', 'create', '--network', '=', 'h'), ['host']);
  assert.equal(complete('sandbox', 'create', '--security', 's'), ['static,label=']);
  assert.equal(complete('sandbox', '--root', path.join(tmp, 'ro')), [root]);
});

test('the words offered for --network and --security are ones create accepts', () => {
  for (const w of VALUE_WORDS.network!) assert.is(parseNetwork(w), w);
  assert.throws(() => parseNetwork('bridge'));
  for (const w of VALUE_WORDS.security!) assert.not.throws(() => parseSecurity(w.endsWith('=') ? w + 'system_u:system_r:container_t:s0:c1,c2' : w));
});

test('-u offers service units from systemctl --root, less templates', async () => {
  const units = path.join(root, 'etc/systemd/system');
  await fs.mkdir(units, { recursive: true });
  await fs.writeFile(path.join(units, 'web.service'), '[Service]\nExecStart=/bin/true\n');
  await fs.writeFile(path.join(units, 'web@.service'), '[Service]\nExecStart=/bin/true\n');
  const offered = complete('sandbox', '--root', root, 'create', '-u', 'we');
  assert.equal(offered, ['web.service']);
});

test.run();
