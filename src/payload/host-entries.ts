// The I/O half of payload selection: what is at each path on the host now.
// rules.ts stays pure by taking these facts as data.
import type { Paths } from '../paths.js';
import { lstatType, type HostType } from './file-type.js';

export interface HostPath {
  /** Absolute path in the host's view (/etc/apache2), not under the root. */
  path: string;
  /** lstat type on the host, or 'missing'. */
  type: HostType;
  /** The package that lists it, when it came from a package file list. */
  owner?: string;
}

/** lstat each path under the root; order is kept. */
export function describeHostPaths(paths: Paths, absPaths: readonly string[], owner?: string): HostPath[] {
  return absPaths.map((p) => ({ path: p, type: lstatType(paths.host(p)), ...(owner ? { owner } : {}) }));
}
