// generate/: pure renderers of the units, drop-ins and profiles a sandbox runs from.
// Pure renderers: (the service's parsed unit, the sandbox's facts) → files as data.
// One place (src/apply/) writes them.
import path from 'node:path';
import { parseUnitFile, serializeUnitFile, type UnitFile } from '../unitfile/index.js';
import { fillTemplate, loadTemplate } from './template.js';
import { generatedHeader, instanceName, profileLinkPath, sandboxDropInPath, targetName, templateName, type UnitRole } from '../layout.js';
import { bindPathItem, checkContextValue, execArgument } from './unit-values.js';
import { DEFAULT_PROFILE, profileFile, type ProfileName } from './profiles.js';
import { sandboxableSettings } from './vendor-settings.js';
import { wrapCommands } from './landlock.js';
import { runtimeDirectoryEnvironment } from './runtime-env.js';

export interface GeneratedFile {
  /** Host path, e.g. /etc/systemd/system/apache2@apache1.service */
  path: string;
  /** The text; '' for a link. */
  content: string;
  role: UnitRole;
  /** Set for a symlink (the profile, a shipped template: role 'link'): where it points, a host path. */
  linkTo?: string;
}

export interface ServiceFacts {
  /** The service the sandbox is made from, e.g. apache2.service */
  unit: string;
  /** Where its unit file was read, e.g. /lib/systemd/system/apache2.service */
  source: string;
  /** True when the vendor ships UNIT@.service: ours must not replace it. */
  vendorTemplate: boolean;
  /** Host unit directory, e.g. /etc/systemd/system */
  unitDir: string;
  /** Host state directory holding the trees, e.g. /var/lib/sandbox */
  stateDir: string;
  version: string;
  /** The packages' own directories under /run, recreated in the sandbox's private /run. */
  runtimeDirs?: RuntimeDir[];
  /** Host path of the Landlock helper put in front of every command (src/generate/landlock.ts); none when not installed. */
  landlockHelper?: string;
}

export interface RuntimeDir {
  /** e.g. /run/httpd */
  path: string;
  mode: number;
  uid: number;
  gid: number;
}

export interface InstanceFacts {
  name: string;
  processContext: string;
  network: 'none' | 'host';
  /** Host paths (e.g. /etc/apache2) whose copies in the tree are bound over them. */
  boundPaths: string[];
  /** Host path of the sandbox tree, e.g. /var/lib/sandbox/apache1 */
  tree: string;
  /** The hardening profile linked into the unit's drop-in directory (default: 'default'). */
  profile?: ProfileName;
  /** Bind the host's /run/dbus (create --allow-dbus): the service can then ask host systemd for anything. */
  allowDbus?: boolean;
}

/** Where the shared body of the sandbox units goes: our template, or per instance when the vendor has one. */
export function serviceFilePath(s: ServiceFacts, name: string): string {
  return path.join(s.unitDir, s.vendorTemplate ? instanceName(s.unit, name) : templateName(s.unit));
}

/**
 * The service's own [Unit]/[Service] settings, taken through the vendor-settings
 * table (vendor-keys.ts); a unit with a refused setting throws (exit 2).
 */
function translateService(original: UnitFile, s: ServiceFacts): UnitFile {
  return sandboxableSettings(s.unit, original).unit;
}

/** The body every sandbox of the service shares: the service's own settings + templates/sandbox-service.in. */
export function renderService(original: UnitFile, s: ServiceFacts): string {
  const u = translateService(original, s);
  // copied as it is: a value read from a unit file already has unit syntax (its % are specifiers)
  const description = u.get('Unit', 'Description') ?? s.unit;
  if (!u.sections().includes('Unit')) u.addSection('Unit');
  u.unset('Unit', 'Description');
  const additions = parseUnitFile(
    fillTemplate(
      loadTemplate('sandbox-service.in'),
      { description, unit: s.unit, target: targetName(s.unit), stateDir: s.stateDir },
      'sandbox-service.in',
    ),
    'templates/sandbox-service.in',
  );
  for (const section of additions.sections()) {
    if (!u.sections().includes(section)) u.addSection(section);
    for (const e of additions.entries(section)) u.add(section, e.key, e.value);
  }
  // tmpfiles.d made these on the host at boot; the private /run needs its own,
  // made before the service's own ExecStartPre=.
  const pre = u.getAll('Service', 'ExecStartPre');
  u.unset('Service', 'ExecStartPre');
  for (const d of s.runtimeDirs ?? []) u.add('Service', 'ExecStartPre', runtimeDirCommand(d));
  for (const p of pre) u.add('Service', 'ExecStartPre', p);
  const env = runtimeDirectoryEnvironment(original);
  u.add('Service', env.key, env.value);
  if (s.landlockHelper) wrapCommands(u, s.landlockHelper);
  return generatedHeader(s.version, `from ${s.source} for the sandboxes of ${s.unit}`) + serializeUnitFile(u);
}

/**
 * ExecStartPre=! that makes /run/x with the host's owner and mode, inside the
 * sandbox ('!': as its root, under all its limits, where /run is its private /run).
 * Never '+': that runs as host root without ProtectSystem= (the host's /etc
 * writable), on a path the sandbox can write: a symlink planted there would make
 * it chown and chmod a host directory. Under '!', a symlink reaches only what
 * the sandbox could change itself.
 */
export function runtimeDirCommand(d: RuntimeDir): string {
  // Without setuid/setgid bits (haproxy's and postgresql's 2775): the profiles' RestrictSUIDSGID= refuses
  // them, and install fails. Files made there get the service's own group, as its user runs it.
  return `!/usr/bin/install -d -m ${(d.mode & 0o1777).toString(8).padStart(4, '0')} -o ${d.uid} -g ${d.gid} ${execArgument('runtime directory', d.path)}`;
}

function bindLines(i: InstanceFacts): string {
  return i.boundPaths
    .slice()
    .sort()
    .map((p) => `BindPaths=${bindPathItem('path', path.join(i.tree, p), p)}`)
    .join('\n');
}

export function renderDropIn(s: ServiceFacts, i: InstanceFacts): string {
  return (
    generatedHeader(s.version, `for sandbox ${i.name} of ${s.unit}`) +
    fillTemplate(
      loadTemplate('sandbox-instance.conf.in'),
      {
        processContext: checkContextValue('label', i.processContext),
        privateNetwork: i.network === 'none' ? 'yes' : 'no',
        // Only lo exists in a private network: say so to the IP firewall too (what systemd-analyze security asks).
        ipAccess: i.network === 'none' ? 'IPAddressDeny=any\nIPAddressAllow=localhost\n' : '',
        bindPaths: bindLines(i),
        dbus: i.allowDbus ? "\n# create --allow-dbus: the host's system bus, through which a root service can ask systemd for anything.\nBindPaths=-/run/dbus" : '',
      },
      'sandbox-instance.conf.in',
    )
  );
}

export function renderTarget(s: ServiceFacts): string {
  return generatedHeader(s.version, `for the sandboxes of ${s.unit}`) + fillTemplate(loadTemplate('sandboxes.target.in'), { unit: s.unit }, 'sandboxes.target.in');
}

/** Every file one sandbox of one service needs. */
export function sandboxUnitFiles(original: UnitFile, s: ServiceFacts, i: InstanceFacts): GeneratedFile[] {
  return [
    { path: serviceFilePath(s, i.name), content: renderService(original, s), role: 'service' },
    { path: sandboxDropInPath(s.unitDir, s.unit, i.name), content: renderDropIn(s, i), role: 'dropin' },
    { path: path.join(s.unitDir, targetName(s.unit)), content: renderTarget(s), role: 'target' },
    { path: profileLinkPath(s.unitDir, s.unit, i.name), content: '', role: 'profile', linkTo: profileFile(i.profile ?? DEFAULT_PROFILE) },
  ];
}
