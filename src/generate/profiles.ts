// Hardening profiles are data: drop-ins shipped in units/profiles/NAME.conf.
// Each sandbox unit's drop-in directory gets a SYMLINK to the chosen one, so a
// package update of a profile reaches existing sandboxes at the next
// daemon-reload. This module owns the profile names; the link's name and how
// a link is recognised as ours are in layout.ts.
import path from 'node:path';
import { UsageError } from '../errors.js';
import { projectFile } from '../install-paths.js';

export const PROFILES = ['default', 'strict', 'trusted'] as const;
export type ProfileName = (typeof PROFILES)[number];
export const DEFAULT_PROFILE: ProfileName = 'default';

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
