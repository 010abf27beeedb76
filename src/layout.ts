// Every name the tool writes or recognises on disk, and the one reader of "is
// this file ours?". paths.ts says where the directories are (under --root);
// this module names what the tool puts inside them. No other file spells these.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG_DIR, DEFAULT_STATE_DIR, DEFAULT_UNIT_DIR, type Paths } from './paths.js';
import { unitNameParts } from './unitfile/names.js';
import { PROFILES } from './generate/profiles.js';

// ---- /var/cache/sandbox (live hosts only, never under --root)
/** What may be thrown away at any time: the package-owner cache (packages/owner-cache.ts). */
export const CACHE_DIR = '/var/cache/sandbox';
export function ownerCachePath(cacheDir: string, manager: string): string {
  return path.join(cacheDir, `owners-${manager}.json`);
}

// ---- <configDir> (/etc/sandbox)
export const RECORD_SUFFIX = '.sandbox';
/** A record renamed to .deleting-NAME.sandbox hides the sandbox while its delete runs. */
export const DELETING_PREFIX = '.deleting-';
export const TOOL_CONFIG_NAME = 'sandbox.conf';

export function recordPath(paths: Paths, name: string): string {
  return path.join(paths.configDir, name + RECORD_SUFFIX);
}

export function deletingMarker(paths: Paths, name: string): string {
  return path.join(paths.configDir, `${DELETING_PREFIX}${name}${RECORD_SUFFIX}`);
}

/** The record's path as shown to the user (/etc/sandbox/NAME.sandbox). */
export function recordHostPath(name: string): string {
  return path.posix.join(DEFAULT_CONFIG_DIR, name + RECORD_SUFFIX);
}

export function toolConfigPath(paths: Paths): string {
  return path.join(paths.configDir, TOOL_CONFIG_NAME);
}

/** NAME of a record file NAME.sandbox (not a hidden one), else undefined. */
export function recordNameOf(entry: string): string | undefined {
  return entry.endsWith(RECORD_SUFFIX) && !entry.startsWith('.') ? entry.slice(0, -RECORD_SUFFIX.length) : undefined;
}

/** NAME of a delete marker .deleting-NAME.sandbox, else undefined. */
export function deletingNameOf(entry: string): string | undefined {
  return entry.startsWith(DELETING_PREFIX) && entry.endsWith(RECORD_SUFFIX) ? entry.slice(DELETING_PREFIX.length, -RECORD_SUFFIX.length) : undefined;
}

/** The sandbox name a record file's own name gives (NAME.sandbox or .deleting-NAME.sandbox). */
export function recordFileName(file: string): string | undefined {
  const base = path.basename(file);
  return deletingNameOf(base) ?? (base.endsWith(RECORD_SUFFIX) ? base.slice(0, -RECORD_SUFFIX.length) : undefined);
}

// ---- <stateDir> (/var/lib/sandbox): trees are NAME; the tool's own entries start with '.'
export const STAGING_PREFIX = '.staging-';
/** The intent of a create in progress: .creating-NAME, removed at its commit point. */
export const INTENT_PREFIX = '.creating-';
export const MANIFESTS_DIR = '.manifests';
/**
 * Pristine copies ("base") of the package files a sandbox was made from, one
 * directory per sandbox mirroring host paths: the common ancestor of upgrade's
 * three-way merge. Outside every tree (and root's only), so no sandbox can write it.
 */
export const BASE_DIR = '.base';
/** An upgrade in progress: .upgrading-NAME holds its journal, staged files and backups; removed at its commit point. */
export const UPGRADE_PREFIX = '.upgrading-';
/** A merge that conflicted leaves the merged text with conflict markers here, beside the sandbox's untouched file. */
export const SANDBOX_NEW_SUFFIX = '.sandbox-new';
export const REGISTRY_DIR = '.labels';
/** The key that signs the tool's journal entries (journal/key.ts); no sandbox sees it (a tmpfs covers this directory in every sandbox). */
export const JOURNAL_KEY = '.journal-key';

export function journalKeyPath(paths: Paths): string {
  return path.join(paths.stateDir, JOURNAL_KEY);
}

/** The host path of a sandbox's tree, as records store it. */
export function treeOf(name: string): string {
  return path.posix.join(DEFAULT_STATE_DIR, name);
}

export function stagingDir(paths: Paths, name: string): string {
  return path.join(paths.stateDir, `${STAGING_PREFIX}${name}`);
}

export function intentPath(paths: Paths, name: string): string {
  return path.join(paths.stateDir, `${INTENT_PREFIX}${name}`);
}

/** The intent is written whole to this name, then linked into place. */
export function intentTempPath(paths: Paths, name: string, pid = process.pid): string {
  return wholeTempPath(intentPath(paths, name), pid);
}

export function manifestsDir(paths: Paths): string {
  return path.join(paths.stateDir, MANIFESTS_DIR);
}

export function manifestPath(paths: Paths, name: string): string {
  return path.join(manifestsDir(paths), name);
}

export function basesDir(paths: Paths): string {
  return path.join(paths.stateDir, BASE_DIR);
}

/** The sandbox's base: <stateDir>/.base/NAME/etc/x for the package's /etc/x as it was copied. */
export function baseDir(paths: Paths, name: string): string {
  return path.join(basesDir(paths), name);
}

/** The manifest's and the base's paths as the host sees them (change lists show these). */
export function manifestHostPath(name: string): string {
  return path.posix.join(DEFAULT_STATE_DIR, MANIFESTS_DIR, name);
}

export function baseHostPath(name: string): string {
  return path.posix.join(DEFAULT_STATE_DIR, BASE_DIR, name);
}

export function upgradeDir(paths: Paths, name: string): string {
  return path.join(paths.stateDir, `${UPGRADE_PREFIX}${name}`);
}

/** Inside .upgrading-NAME: the journal (its steps, written whole before the first change), staged files, backups, the bases. */
export const UPGRADE_PARTS = { journal: 'journal.json', staged: 'new', backups: 'old', newBase: 'base.new', oldBase: 'base.old' } as const;

/** The label registry: .labels/{pending,held,by-name}/ and its lock file. */
export function registryDir(paths: Paths): string {
  return path.join(paths.stateDir, REGISTRY_DIR);
}

export const REGISTRY_PARTS = { byName: 'by-name', pending: 'pending', held: 'held', lock: '.lock' } as const;

/** What a state-dir entry is: a tree, a staging dir, an intent (or its temp file), or another of the tool's own. */
export type StateEntry =
  | { kind: 'tree'; name: string }
  | { kind: 'staging'; name: string }
  | { kind: 'intent'; name: string }
  | { kind: 'intent-temp'; name: string; pid: number }
  | { kind: 'upgrade'; name: string }
  | { kind: 'own' };

export function stateEntry(entry: string): StateEntry {
  if (entry.startsWith(STAGING_PREFIX)) return { kind: 'staging', name: entry.slice(STAGING_PREFIX.length) };
  if (entry.startsWith(UPGRADE_PREFIX)) return { kind: 'upgrade', name: entry.slice(UPGRADE_PREFIX.length) };
  if (entry.startsWith(INTENT_PREFIX)) {
    const tmp = /^(.*)\.(\d+)\.tmp$/.exec(entry.slice(INTENT_PREFIX.length));
    return tmp ? { kind: 'intent-temp', name: tmp[1]!, pid: Number(tmp[2]) } : { kind: 'intent', name: entry.slice(INTENT_PREFIX.length) };
  }
  return entry.startsWith('.') ? { kind: 'own' } : { kind: 'tree', name: entry };
}

// ---- temp files of cut-short writes
/** writeFileAtomic's temp file .#NAME.PID beside its target; a crash can leave it. */
export function tempPathOf(file: string, pid = process.pid): string {
  return path.join(path.dirname(file), `.#${path.basename(file)}.${pid}`);
}

/** [target, pid] of a .#NAME.PID temp file, else undefined. */
export function atomicTempOf(entry: string): [string, number] | undefined {
  const m = /^\.#(.+)\.(\d+)$/.exec(entry);
  return m ? [m[1]!, Number(m[2])] : undefined;
}

/** The temp file NAME.PID.tmp that a file written whole is renamed or linked from (the registry's, the intent). */
export function wholeTempPath(file: string, pid = process.pid): string {
  return `${file}.${pid}.tmp`;
}

/** [target, pid] of a NAME.PID.tmp temp file (the registry's and the intent's), else undefined. */
export function wholeTempOf(entry: string): [string, number] | undefined {
  const m = /^(.+)\.(\d+)\.tmp$/.exec(entry);
  return m ? [m[1]!, Number(m[2])] : undefined;
}

// ---- <runDir> (/run/sandbox): the sandboxes' private /run
export function runtimeDir(paths: Paths, name: string): string {
  return path.join(paths.runDir, name);
}

// ---- <unitDir> (/etc/systemd/system): generated units
/** The sandbox's own drop-in in UNIT@NAME.service.d/ (label, network, bind mounts). */
export const SANDBOX_DROPIN = '50-sandbox.conf';
/** The link to the hardening profile: before 50-sandbox.conf, so the sandbox's own drop-in comes last. */
export const PROFILE_DROPIN = '40-profile.conf';
/** Its resource limits (create --memory …, sandbox set): only when it has some. */
export const LIMITS_DROPIN = '45-limits.conf';

/** 'link': a shipped template linked into the unit directory (the published ports' units). */
export type UnitRole = 'service' | 'dropin' | 'target' | 'profile' | 'link';

export function prefixOf(unit: string): string {
  return unitNameParts(unit).prefix;
}

export function targetName(unit: string): string {
  return `${prefixOf(unit)}-sandboxes.target`;
}

export function instanceName(unit: string, name: string): string {
  return `${prefixOf(unit)}@${name}.service`;
}

/** PREFIX@.service: our template (or the vendor's). */
export function templateName(unit: string): string {
  return `${prefixOf(unit)}@.service`;
}

export function dropInDir(unitDir: string, unit: string, name: string): string {
  return path.join(unitDir, `${instanceName(unit, name)}.d`);
}

export function sandboxDropInPath(unitDir: string, unit: string, name: string): string {
  return path.join(dropInDir(unitDir, unit, name), SANDBOX_DROPIN);
}

export function profileLinkPath(unitDir: string, unit: string, name: string): string {
  return path.join(dropInDir(unitDir, unit, name), PROFILE_DROPIN);
}

export function limitsDropInPath(unitDir: string, unit: string, name: string): string {
  return path.join(dropInDir(unitDir, unit, name), LIMITS_DROPIN);
}

/** The .wants directory that enable fills with a target's instances. */
export function wantsDir(unitDir: string, unit: string): string {
  return path.join(unitDir, `${targetName(unit)}.wants`);
}

export interface OwnedFile {
  path: string;
  role: UnitRole;
}

/**
 * Every unit file a sandbox of `unit` may have under unitDir; `shared` adds the
 * ones all sandboxes of the service share (the template body, the target).
 */
export function sandboxUnitPaths(unitDir: string, unit: string, name: string, shared: boolean): OwnedFile[] {
  const out: OwnedFile[] = [
    { path: path.join(unitDir, instanceName(unit, name)), role: 'service' },
    { path: profileLinkPath(unitDir, unit, name), role: 'profile' },
    { path: sandboxDropInPath(unitDir, unit, name), role: 'dropin' },
  ];
  if (shared) out.push({ path: path.join(unitDir, templateName(unit)), role: 'service' }, { path: path.join(unitDir, targetName(unit)), role: 'target' });
  return out;
}

/** The same as paths shown to the user (under /etc/systemd/system). */
export function sandboxUnitHostPaths(unit: string, name: string, shared: boolean): OwnedFile[] {
  return sandboxUnitPaths(DEFAULT_UNIT_DIR, unit, name, shared);
}

/** What a unit-dir entry is, by its name alone (ownership is read with isOurs). */
export type UnitEntry =
  | { kind: 'dropin-dir'; prefix: string; name: string }
  | { kind: 'instance'; prefix: string; name: string }
  | { kind: 'shared'; prefix: string }
  | { kind: 'wants'; target?: string }
  | { kind: 'other' };

export function unitEntry(entry: string): UnitEntry {
  let m: RegExpExecArray | null;
  if ((m = /^(.+)@(.+)\.service\.d$/.exec(entry))) return { kind: 'dropin-dir', prefix: m[1]!, name: m[2]! };
  if ((m = /^(.+)@(.+)\.service$/.exec(entry))) return { kind: 'instance', prefix: m[1]!, name: m[2]! };
  if ((m = /^(.+)(@\.service|-sandboxes\.target)$/.exec(entry))) return { kind: 'shared', prefix: m[1]! };
  if (entry.endsWith('.wants')) return { kind: 'wants', target: /^(.+)-sandboxes\.target\.wants$/.exec(entry)?.[1] };
  return { kind: 'other' };
}

/** PREFIX of PREFIX-sandboxes.target, else undefined. */
export function targetPrefixOf(entry: string): string | undefined {
  return /^(.+)-sandboxes\.target$/.exec(entry)?.[1];
}

/** A unit-dir name the tool may write: PREFIX@NAME.service, PREFIX@.service, PREFIX-sandboxes.target. */
export function isOurUnitName(entry: string): boolean {
  return /^.+@.*\.service$|^.+-sandboxes\.target$/.test(entry);
}

/** The drop-in directory's names the tool writes. */
export function isOurDropInName(entry: string): boolean {
  return entry === SANDBOX_DROPIN || entry === PROFILE_DROPIN || entry === LIMITS_DROPIN || entry === PUBLISH_DROPIN;
}

// ---- the ownership mark and "is this file ours?"
export const GENERATED_MARK = '# Generated by sandbox ';

export function generatedHeader(version: string, what: string): string {
  return `${GENERATED_MARK}${version} ${what}.\n# Do not edit: 'sandbox delete' removes it, and it is rewritten by 'sandbox create'.\n`;
}

/** Only text that carries our mark is ever replaced or removed. */
export function isGenerated(text: string): boolean {
  return text.startsWith(GENERATED_MARK);
}

const PROFILE_TARGET = /^(.*)\/units\/profiles\/([a-z]+)\.conf$/;

/** A link target is ours when it names a shipped profile file in some tool's units/profiles/ (the tool may have moved). */
export function profileOfTarget(target: string): string | undefined {
  const m = PROFILE_TARGET.exec(target);
  return m !== null && path.isAbsolute(target) && (PROFILES as readonly string[]).includes(m[2]!) ? m[2] : undefined;
}

/** The profile a link names, or undefined when file is not our link. */
export async function linkedProfile(file: string): Promise<string | undefined> {
  const target = await fs.readlink(file).catch(() => undefined);
  return target === undefined ? undefined : profileOfTarget(target);
}

/** True when file is a symlink to a shipped profile: only such a link is replaced or removed. */
export async function isProfileLink(file: string): Promise<boolean> {
  return (await linkedProfile(file)) !== undefined;
}

// ---- published ports (src/publish/): units/publish/ templates linked into the unit directory
export const PUBLISH_TEMPLATES = ['sandbox-publish@.socket', 'sandbox-publish@.service'] as const;
/** In the sandbox unit's drop-in directory, after 50-sandbox.conf: wants the sockets of its ports. */
export const PUBLISH_DROPIN = '60-publish.conf';

/** sandbox-publish@NAME:HOSTPORT (':' is valid in a unit name; no sandbox name has one). */
export function publishInstance(name: string, hostPort: number): string {
  return `sandbox-publish@${name}:${hostPort}`;
}

/** The sandbox unit's drop-in that wants the sockets of its published ports. */
export function publishWantsPath(unitDir: string, sandboxUnit: string): string {
  return path.join(unitDir, `${sandboxUnit}.d`, PUBLISH_DROPIN);
}

/** The generated drop-in of a published port's socket or proxy service. */
export function publishDropInPath(unitDir: string, name: string, hostPort: number, kind: 'socket' | 'service'): string {
  return path.join(unitDir, `${publishInstance(name, hostPort)}.${kind}.d`, SANDBOX_DROPIN);
}

/** NAME and HOSTPORT of a sandbox-publish@NAME:HOSTPORT.{socket,service}.d entry, else undefined. */
export function publishDropInDirOf(entry: string): { name: string; hostPort: number } | undefined {
  const m = /^sandbox-publish@(.+):(\d+)\.(socket|service)\.d$/.exec(entry);
  return m ? { name: m[1]!, hostPort: Number(m[2]) } : undefined;
}

const PUBLISH_TARGET = /^(.*)\/units\/publish\/([^/]+)$/;

/** A link is ours when it points at a file the tool ships (a profile, a publish template) in some tool's units/. */
export async function isShippedLink(file: string): Promise<boolean> {
  const target = await fs.readlink(file).catch(() => undefined);
  if (target === undefined) return false;
  if (profileOfTarget(target) !== undefined) return true;
  const m = PUBLISH_TARGET.exec(target);
  return m !== null && path.isAbsolute(target) && (PUBLISH_TEMPLATES as readonly string[]).includes(m[2]!);
}

/** "Is this file ours?": a link by where it points, every other file by its mark. */
export async function isOurs(file: string, role: UnitRole | 'file' = 'file'): Promise<boolean> {
  if (role === 'profile' || role === 'link') return isShippedLink(file);
  return isGenerated(await fs.readFile(file, 'utf8').catch(() => ''));
}
