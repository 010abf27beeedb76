// The warning create gives when the sandbox it made cannot start yet: SELinux
// is on but the sandbox policy module is not installed (systemd may not start
// the container type without it). The sandbox itself is whole and kept.
import type { Paths } from '../paths.js';
import { INSTALL_MODULE_FIX, policyModuleState } from '../selinux/policy.js';
import { selinuxMode } from '../selinux/state.js';

export async function policyWarning(paths: Paths, units: string[]): Promise<string | undefined> {
  const mode = await selinuxMode(paths);
  if (mode === 'disabled') return undefined;
  const m = await policyModuleState(paths);
  if (m.installed && !m.disabled) return undefined;
  const effect = mode === 'enforcing' ? 'will not start' : 'will start only while SELinux is permissive';
  return `warning: the SELinux policy module sandbox is not ${m.disabled ? 'enabled' : 'installed'}: ${units.join(' ')} ${effect} until it is; ${m.disabled ? 'enable it: semodule -e sandbox' : INSTALL_MODULE_FIX}`;
}
