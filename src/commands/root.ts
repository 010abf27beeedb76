import { UnavailableError } from '../errors.js';
import type { Paths } from '../paths.js';

/** Changing a live host needs root; a --root tree is the caller's own. */
export function requireRootUnlessOffline(paths: Paths): void {
  if (!paths.offline && process.getuid?.() !== 0) throw new UnavailableError('this command changes the host: run it as root');
}
