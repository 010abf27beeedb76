// $RUNTIME_DIRECTORY inside a sandbox. systemd sets it from RuntimeDirectory=,
// which the sandbox's unit names in the host's view (sandbox/%i, sandbox/%i/lock,
// sandbox/%i/pdns: translate.ts), so it would list /run/sandbox/NAME/… paths
// that do not exist inside, where that directory is /run. An Environment= line
// (which overrides what systemd sets) names them as the service sees them; with
// no RuntimeDirectory= of the vendor's, the variable is unset, as on the host.
// The other *_DIRECTORY variables name the tree's copies, bound at the host paths.
import type { UnitFile } from '../unitfile/index.js';

export function runtimeDirectoryEnvironment(vendor: UnitFile): { key: 'Environment' | 'UnsetEnvironment'; value: string } {
  const dirs = vendor
    .getAll('Service', 'RuntimeDirectory')
    .reduce<string[]>((acc, v) => (v === '' ? [] : [...acc, ...v.split(/\s+/).filter(Boolean)]), [])
    .map((d) => `/run/${d.split(':')[0]!.replace(/^\/+/, '')}`);
  return dirs.length ? { key: 'Environment', value: `RUNTIME_DIRECTORY=${dirs.join(':')}` } : { key: 'UnsetEnvironment', value: 'RUNTIME_DIRECTORY' };
}
