// sandbox(8), generated from the CLI's own definitions (see cli-model.ts) so
// the man page and --help cannot drift apart.
//   node dist/tools/gen-man.js > sandbox.8
// The date is SOURCE_DATE_EPOCH's when set, for a reproducible build.
import path from 'node:path';
import { instanceName, PROFILE_DROPIN, RECORD_SUFFIX, REGISTRY_DIR, SANDBOX_DROPIN, targetName, templateName, TOOL_CONFIG_NAME } from '../src/layout.js';
import { DEFAULT_CONFIG_DIR, DEFAULT_STATE_DIR, DEFAULT_UNIT_DIR } from '../src/paths.js';
import { DEFAULT_SYSTEM_BUS } from '../src/systemd/dbus-names.js';
import { VERSION } from '../src/version.js';
import { cliModel, isMain, valueName, type CliModel, type CommandSpec, type OptionSpec, type PositionalSpec } from './cli-model.js';
import { bold, italic, roffCode, roffText } from './roff.js';

const DESCRIPTION = [
  `sandbox makes isolated copies of a service that is installed on the host, and runs each copy as an instance of a systemd template unit.`,
  `sandbox create finds the package that owns the service's unit file (with rpm or dpkg, whichever the host has), copies that package's files under /etc and /var into ${DEFAULT_STATE_DIR}/NAME (owner, mode, links and extended attributes kept), gives the sandbox an SELinux MCS label that no other sandbox holds, labels the copy with it, and writes the units that run the service in it: the rest of the host read-only, a private /tmp and /run, a private network unless --network host is given, the label in SELinuxContext=, and ReloadPropagatedFrom= the original service, so reloading the service reloads its running sandboxes.`,
  `Units are started, stopped, reloaded and enabled through systemd's D-Bus API. With --root DIR the tool works on the files under DIR instead, like systemctl --root, and contacts no daemon: only the commands that need no running systemd accept it.`,
];

const SEE_ALSO = ['systemctl(1)', 'journalctl(1)', 'systemd.exec(5)', 'systemd.unit(5)', 'semanage(8)'];

function files(): [string, string][] {
  return [
    [path.join(DEFAULT_CONFIG_DIR, 'NAME' + RECORD_SUFFIX), 'The record of sandbox NAME: its units, packages, label and tree (ini).'],
    [path.join(DEFAULT_CONFIG_DIR, TOOL_CONFIG_NAME), 'The settings of the tool: the MCS categories labels are drawn from, reserved labels, extra shared directories (ini).'],
    [path.join(DEFAULT_STATE_DIR, 'NAME'), "The tree of sandbox NAME: its copies of the packages' /etc and /var."],
    [path.join(DEFAULT_STATE_DIR, REGISTRY_DIR), 'The MCS labels held by sandboxes, one file each.'],
    [path.join(DEFAULT_UNIT_DIR, templateName('UNIT')), 'The template every sandbox of UNIT runs from (or UNIT@NAME.service, when the package ships its own UNIT@.service).'],
    [path.join(DEFAULT_UNIT_DIR, `${instanceName('UNIT', 'NAME')}.d/`), `The drop-ins of sandbox NAME: ${SANDBOX_DROPIN} (its label, network and bind mounts) and ${PROFILE_DROPIN}, a symlink to its hardening profile.`],
    // where the RPM installs them (a checkout has them in units/profiles/)
    ['/usr/lib/sandbox/units/profiles/', 'The hardening profiles (default, strict, trusted) that create --profile links to; a new version reaches existing sandboxes at the next daemon-reload.'],
    [path.join(DEFAULT_UNIT_DIR, targetName('UNIT')), 'Starts, stops and enables every sandbox of UNIT together.'],
  ];
}

/** The short form when there is one: -u, else --network. */
function flagOf(o: OptionSpec): string {
  const short = o.aliases.find((a) => a.length === 1);
  return short ? `-${short}` : `--${o.name}`;
}

function optionTag(o: OptionSpec): string {
  const names = [...o.aliases.filter((a) => a.length === 1).map((a) => `-${a}`), `--${o.name}`].map(bold).join(', ');
  return o.takesValue ? `${names} ${italic(valueName(o))}` : names;
}

/** yargs' descriptions are lower-case fragments; the page wants sentences. */
function sentence(s: string): string {
  const t = s.trim();
  return t ? t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.') : '';
}

function optionBody(o: OptionSpec): string {
  const extra = [o.required ? 'Required.' : '', o.default !== undefined ? `Default: ${String(o.default)}.` : ''];
  return roffText([sentence(o.describe), ...extra].filter(Boolean).join(' '));
}

function optionList(options: OptionSpec[]): string[] {
  return options.flatMap((o) => ['.TP', optionTag(o), optionBody(o)]);
}

/** NAME, [NAMES...]: how a positional is written, in a given font. */
function positionalWord(p: PositionalSpec, font: (s: string) => string): string {
  const word = font(p.name.toUpperCase()) + (p.variadic ? '...' : '');
  return p.required ? word : `[${word}]`;
}

/** "create -u UNIT [OPTIONS] NAME" */
function synopsisOf(c: CommandSpec): string {
  const required = c.options.filter((o) => o.required).map((o) => `${bold(flagOf(o))} ${italic(valueName(o))}`);
  const optional = c.options.some((o) => !o.required) ? ['[\\fIOPTIONS\\fR]'] : [];
  const positionals = c.positionals.map((p) => positionalWord(p, italic));
  return [bold('sandbox'), bold(c.name), ...required, ...optional, ...positionals].join(' ');
}

function commandSection(c: CommandSpec): string[] {
  const out = [`.SS "${[c.name, ...c.positionals.map((p) => positionalWord(p, roffCode))].join(' ')}"`];
  out.push(roffText(sentence(c.describe)));
  if (c.aliases.length) out.push('.PP', `Alias: ${c.aliases.map(bold).join(', ')}.`);
  const described = c.positionals.filter((p) => p.describe);
  if (described.length) out.push(...described.flatMap((p) => ['.TP', italic(p.name.toUpperCase()), roffText(sentence(p.describe))]));
  if (c.options.length) out.push(...optionList(c.options));
  if (c.examples.length) {
    out.push('.PP', 'Examples:', '.RS 4', '.nf');
    for (const e of c.examples) out.push(roffCode(e.command), ...(e.describe ? [`    ${roffText(e.describe)}`] : []));
    out.push('.fi', '.RE');
  }
  return out;
}

function manDate(): string {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  return (Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date()).toISOString().slice(0, 10);
}

export function renderMan(model: CliModel, version: string = VERSION, date: string = manDate()): string {
  const lines = [
    `.\\" ${model.program}(8): generated by tools/gen-man.ts from the CLI's definitions; do not edit.`,
    `.TH ${model.program.toUpperCase()} 8 "${date}" "${model.program} ${version}" "System Administration"`,
    '.SH NAME',
    `${model.program} \\- ${roffText(model.summary.replace(/\.$/, '').replace(/^./, (ch) => ch.toLowerCase()))}`,
    '.SH SYNOPSIS',
    '.nf',
    ...model.commands.map(synopsisOf),
    '.fi',
    '.SH DESCRIPTION',
    ...DESCRIPTION.flatMap((p, i) => (i ? ['.PP', roffText(p)] : [roffText(p)])),
    '.SH OPTIONS',
    'These options are accepted by every command.',
    ...optionList(model.globalOptions),
    '.SH COMMANDS',
    ...model.commands.flatMap(commandSection),
    '.SH EXIT STATUS',
    ...model.exitCodes.flatMap((e) => ['.TP', bold(String(e.code)), roffText(sentence(e.meaning))]),
    '.SH ENVIRONMENT',
    '.TP',
    bold('DBUS_SYSTEM_BUS_ADDRESS'),
    roffText(`The system bus to reach systemd on; ${DEFAULT_SYSTEM_BUS} when unset.`),
    '.SH FILES',
    ...files().flatMap(([file, what]) => ['.TP', italic(file), roffText(what)]),
    '.SH SEE ALSO',
    SEE_ALSO.map((ref) => {
      const [, name, section] = /^(.+)\((\d)\)$/.exec(ref)!;
      return `.BR ${roffCode(name!)} (${section})`;
    }).join(',\n'),
  ];
  return lines.join('\n') + '\n';
}

if (isMain(import.meta.url)) process.stdout.write(renderMan(cliModel()));
