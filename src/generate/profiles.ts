// Hardening profiles are data: drop-ins shipped in units/profiles/NAME.conf.
// Each sandbox unit's drop-in directory gets a SYMLINK to the chosen one, so a
// package update of a profile reaches existing sandboxes at the next
// daemon-reload. This module owns the profile names, the link's name and how
// a link is recognised as ours.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { projectFile } from '../install-paths.js';

export const PROFILES = ['default', 'strict', 'trusted'] as const;
export type ProfileName = (typeof PROFILES)[number];
export const DEFAULT_PROFILE: ProfileName = 'default';

/** The link's name in UNIT@NAME.service.d/: before 50-sandbox.conf, so the sandbox's own drop-in comes last. */
export const PROFILE_DROPIN = '40-profile.conf';

/** Where the shipped profiles are: <tool>/units/profiles (/usr/lib/sandbox/units/profiles from the RPM). */
export function profilesDir(): string {
  return projectFile('units', 'profiles');
}

/** The host path the link points at (never under --root: systemd resolves it on the host it runs on). */
export function profileFile(name: ProfileName): string {
  return path.join(profilesDir(), `${name}.conf`);
}

/** --profile NAME, checked before anything is read or written. */
export function parseProfile(arg: string | undefined): ProfileName {
  const name = arg ?? DEFAULT_PROFILE;
  if ((PROFILES as readonly string[]).includes(name)) return name as ProfileName;
  throw new UsageError(`--profile ${name}: no such profile; use one of ${PROFILES.join(', ')} (shipped in ${profilesDir()})`);
}

/** A link target is ours when it names a shipped profile file in some tool's units/profiles/ (the tool may have moved). */
export function isProfileTarget(target: string): boolean {
  const m = /^(.*)\/units\/profiles\/([a-z]+)\.conf$/.exec(target);
  return m !== null && path.isAbsolute(target) && (PROFILES as readonly string[]).includes(m[2]!);
}

/** True when file is a symlink to a shipped profile: only such a link is replaced or removed. */
export async function isProfileLink(file: string): Promise<boolean> {
  const target = await fs.readlink(file).catch(() => undefined);
  return target !== undefined && isProfileTarget(target);
}

/** The profile a link names, or undefined when file is not our link. */
export async function linkedProfile(file: string): Promise<string | undefined> {
  const target = await fs.readlink(file).catch(() => undefined);
  return target !== undefined && isProfileTarget(target) ? path.basename(target, '.conf') : undefined;
}
