// sandbox(8), generated from the command modules: it renders without a
// warning and lists every command `sandbox --help` lists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliModel, parseExitCodes, parseHelpOptions } from '../../../tools/cli-model.js';
import { renderMan } from '../../../tools/gen-man.js';
import { helpCommands, helpText } from './help.js';

let tmp = '';
let file = '';
let roff = '';

test.before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-man-'));
  file = path.join(tmp, 'sandbox.8');
  roff = renderMan(cliModel(), '9.9.9', '2026-01-02');
  await fs.writeFile(file, roff);
});
test.after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** What man prints: the page on stdout, groff's warnings on stderr. */
function man(...args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync('man', [...args, '-l', file], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80', MAN_KEEP_FORMATTING: '' } });
  return { stdout: r.stdout, stderr: r.stderr };
}

test('man --warnings renders it without a warning', () => {
  assert.is(man('--warnings').stderr, '');
});

test('the header carries the section, version and date', () => {
  assert.match(roff, /^\.TH SANDBOX 8 "2026-01-02" "sandbox 9\.9\.9" "System Administration"$/m);
  assert.match(man().stdout, /^SANDBOX\(8\)/);
});

test('it has the sections an admin looks for', () => {
  const sections = [...roff.matchAll(/^\.SH (.+)$/gm)].map((m) => m[1]);
  assert.equal(sections, ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'COMMANDS', 'EXIT STATUS', 'ENVIRONMENT', 'FILES', 'SEE ALSO']);
});

test('every command of sandbox --help has a synopsis line and a subsection', () => {
  const commands = helpCommands();
  assert.ok(commands.length >= 13, `commands from --help: ${commands.join(' ')}`);
  for (const c of commands) {
    assert.match(roff, new RegExp(`^\\\\fBsandbox\\\\fR \\\\fB${c}\\\\fR`, 'm'), `synopsis of ${c}`);
    assert.match(roff, new RegExp(`^\\.SS "${c}\\b`, 'm'), `subsection of ${c}`);
  }
});

test("each command's options are in its subsection, as in its --help", () => {
  const text = man().stdout;
  for (const c of helpCommands()) {
    const section = new RegExp(`^ {3}${c}\\b[\\s\\S]*?(?=^ {3}\\S|^\\S)`, 'm').exec(text)?.[0] ?? '';
    const own = parseHelpOptions(helpText(c)).filter((o) => !['root', 'version', 'help'].includes(o.name));
    for (const o of own) assert.ok(section.includes(`--${o.name}`), `${c}: --${o.name} missing from:\n${section}`);
  }
});

test('EXIT STATUS lists the codes of the epilog', () => {
  const codes = parseExitCodes(helpText());
  assert.ok(codes.length >= 6);
  const text = man().stdout;
  const section = /^EXIT STATUS\n([\s\S]*?)^\S/m.exec(text)?.[1] ?? '';
  for (const { code, meaning } of codes) assert.match(section, new RegExp(`^ +${code} +${meaning}\\.`, 'mi'));
});

test('FILES names the records, the config, the trees and the units', () => {
  const text = man().stdout;
  for (const f of ['/etc/sandbox/NAME.sandbox', '/etc/sandbox/sandbox.conf', '/var/lib/sandbox/NAME', '/etc/systemd/system/UNIT@NAME.service.d/']) {
    assert.ok(text.includes(f), f);
  }
});

test('SEE ALSO points to systemctl(1), systemd.exec(5), semanage(8)', () => {
  const seeAlso = /^SEE ALSO\n([\s\S]*)$/m.exec(man().stdout)?.[1]?.replace(/‐\n\s*/g, '').replace(/\s+/g, ' ') ?? '';
  for (const ref of ['systemctl(1)', 'systemd.exec(5)', 'semanage(8)']) assert.ok(seeAlso.includes(ref), `${ref} in ${seeAlso}`);
});

test('gen-man.js as a script writes the same page', () => {
  const script = new URL('../../../tools/gen-man.js', import.meta.url).pathname;
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '1767312000' } });
  assert.match(out, /^\.TH SANDBOX 8 "2026-01-02" /m);
  assert.is(out.replace(/^\.TH .*$/m, ''), roff.replace(/^\.TH .*$/m, ''));
});

test.run();
