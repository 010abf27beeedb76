// Where a path a vendor setting names lies, seen from the sandbox. systemd
// reads some settings' paths as host root in the host's view (EnvironmentFile=,
// the sources of BindPaths=), before the sandbox exists: such a path may point
// into the tree only where the sandbox cannot swap it for a symlink to a host file.
import path from 'node:path';
import { DEFAULT_STATE_DIR, isInside } from '../paths.js';
import { PAYLOAD_TOPS, isNeverCopied, sharedDirMatcher } from '../payload/rules.js';
import { canonicalRunPath } from './translate.js';

/** Places whose contents inside the sandbox are its own (private /run, /tmp …), not the host's. */
const PRIVATE_PLACES = ['/run', '/tmp', '/var/tmp', '/dev/shm'];

/** Host places a sandbox must not be given even a read-only view of. */
const HIDDEN_PLACES = ['/run', '/tmp', '/var/tmp', '/dev', '/proc', '/sys', '/home', '/root', DEFAULT_STATE_DIR];

// The built-in list only: a file in a directory the tool config adds as shared
// is refused rather than trusted (the body is rendered without the config).
const isSharedDir = sharedDirMatcher();

export interface OptionalPath {
  /** The path with its '-' (and '+') prefix removed, /var/run and /var/lock as /run. */
  path: string;
  /** Prefixed '-': systemd ignores it when missing. */
  optional: boolean;
}

export function splitOptional(value: string): OptionalPath {
  const m = /^([-+]*)(.*)$/s.exec(value.trim())!;
  return { path: canonicalRunPath(path.posix.normalize(m[2]!)), optional: m[1]!.includes('-') };
}

const under = (places: readonly string[], p: string) => places.some((d) => isInside(d, p));

/**
 * The journal's sockets: every sandbox has them already (the template binds
 * /run/systemd/journal; /dev/log links there), so a vendor's read-only bind of
 * one into a chroot (haproxy's /dev/log) gives the sandbox nothing new.
 */
const JOURNAL_SOCKETS = ['/dev/log', '/run/systemd/journal'];

export function isJournalSocket(p: string): boolean {
  return under(JOURNAL_SOCKETS, p);
}

/** Inside the sandbox this path is its own (private /run, /tmp): already writable there. */
export function isPrivatePlace(p: string): boolean {
  return under(PRIVATE_PLACES, p);
}

/** A host path the sandbox must not see through a vendor bind (the host's /run, /tmp, homes, the trees). */
export function isHiddenPlace(p: string): boolean {
  return under(HIDDEN_PLACES, p);
}

/** Under /etc or /var, where the tree mirrors the host (the sandbox's copy is bound over the host's path). */
export function isMirrored(p: string): boolean {
  return PAYLOAD_TOPS.some((t) => p !== t && isInside(t, p)) && !isNeverCopied(p);
}

/**
 * The tree's copy of `p` is bound on its own, so the sandbox can change what is
 * in it but cannot replace it with a symlink: true when its parent is a
 * system-wide directory (payload/rules.ts copies a package's entries there one
 * by one and never copies such a directory whole). Its parents in the tree are
 * not visible to the sandbox at all.
 */
export function isBoundOnItsOwn(p: string): boolean {
  const parent = path.posix.dirname(p);
  return isMirrored(p) && !/[*?[]/.test(parent) && isSharedDir(parent);
}

/** The host path of the sandbox's copy of `p` in a unit body shared by every sandbox (%i is the sandbox). */
export function treePath(p: string): string {
  return `${DEFAULT_STATE_DIR}/%i${p}`;
}
