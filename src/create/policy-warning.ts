// The warning create gives when the sandboxes it made cannot start yet: SELinux
// is on but the loaded policy does not let systemd start the sandbox type (the
// policy module is missing, disabled or not loaded). The sandboxes themselves
// are whole and kept.
import type { Paths } from '../paths.js';
import { containerContexts, withLevel } from '../selinux/contexts.js';
import { POLICY_MODULE, moduleVerdict } from '../selinux/policy.js';
import { selinuxMode } from '../selinux/state.js';

/**
 * Without enforcing SELinux a sandbox has one wall, not two: namespaces,
 * capabilities and seccomp. Said once per create, naming what stays open.
 */
export async function containmentNote(paths: Paths): Promise<string | undefined> {
  const mode = await selinuxMode(paths);
  if (mode === 'enforcing') return undefined;
  return `note: SELinux is ${mode}: the sandboxes are contained by namespaces, capabilities and seccomp only; a root service in one can still signal and reach the files of processes of the same uid outside it (README: "What stays open without SELinux")`;
}

export async function policyWarning(paths: Paths, units: string[]): Promise<string | undefined> {
  const mode = await selinuxMode(paths);
  if (mode === 'disabled') return undefined;
  const v = await moduleVerdict(paths, withLevel((await containerContexts(paths)).process, 's0'));
  if (v.ready !== false) return undefined;
  const effect = mode === 'enforcing' ? 'will not start' : 'will start only while SELinux is permissive';
  return `warning: ${units.join(' ')} ${effect} until the SELinux policy module ${POLICY_MODULE} is in place: ${v.problem}`;
}
