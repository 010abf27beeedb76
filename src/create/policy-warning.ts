// The warning create gives when the sandboxes it made cannot start yet: SELinux
// is on but the loaded policy does not let systemd start the sandbox type (the
// policy module is missing, disabled or not loaded). The sandboxes themselves
// are whole and kept.
import type { Paths } from '../paths.js';
import { containerContexts, withLevel } from '../selinux/contexts.js';
import { POLICY_MODULE, moduleVerdict } from '../selinux/policy.js';
import { selinuxMode } from '../selinux/state.js';

export async function policyWarning(paths: Paths, units: string[]): Promise<string | undefined> {
  const mode = await selinuxMode(paths);
  if (mode === 'disabled') return undefined;
  const v = await moduleVerdict(paths, withLevel((await containerContexts(paths)).process, 's0'));
  if (v.ready !== false) return undefined;
  const effect = mode === 'enforcing' ? 'will not start' : 'will start only while SELinux is permissive';
  return `warning: ${units.join(' ')} ${effect} until the SELinux policy module ${POLICY_MODULE} is in place: ${v.problem}`;
}
