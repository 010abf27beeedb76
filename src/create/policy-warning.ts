// What create says about the sandboxes it made once they are whole and kept:
// whether SELinux lets them start, and how strongly they are contained.
import type { Paths } from '../paths.js';
import { POLICY_MODULE } from '../selinux/policy.js';
import { selinuxReadiness } from '../selinux/readiness.js';
import { LANDLOCK_HELPER, landlockAbi } from '../landlock/helper.js';

/**
 * What create says about the sandboxes it made, from one readiness query: a
 * warning when they cannot start yet (SELinux on, the policy module not in
 * place), and a note when SELinux is not enforcing: then a sandbox has one
 * wall, not two (namespaces, capabilities, seccomp and, where the kernel has
 * it, Landlock), and the note names what stays open.
 */
export async function createNotes(paths: Paths, units: string[]): Promise<string[]> {
  const { mode, module: v } = await selinuxReadiness(paths);
  const notes: string[] = [];
  if (mode !== 'disabled' && v.ready === false) {
    const effect = mode === 'enforcing' ? 'will not start' : 'will start only while SELinux is permissive';
    notes.push(`warning: ${units.join(' ')} ${effect} until the SELinux policy module ${POLICY_MODULE} is in place: ${v.problem}`);
  }
  if (mode !== 'enforcing') notes.push(`note: SELinux is ${mode}: ${await oneWall(paths)} (README: "What stays open without SELinux")`);
  return notes;
}

/** What contains a sandbox without SELinux on this host, and what that leaves open. */
async function oneWall(paths: Paths): Promise<string> {
  const abi = await landlockAbi(paths);
  const open = 'a root service in one can still signal and reach the files of processes of the same uid outside it';
  if (abi === undefined) return `the sandboxes are contained by namespaces, capabilities and seccomp only; ${open}: the Landlock helper ${LANDLOCK_HELPER} is not installed`;
  if (abi < 2) return `the sandboxes are contained by namespaces, capabilities and seccomp only; ${open}: this kernel has no usable Landlock (ABI ${abi})`;
  if (abi < 6) return `the sandboxes are contained by namespaces, capabilities, seccomp and a Landlock domain (ABI ${abi}); a root service in one can still signal processes of the same uid outside it (Landlock scopes signals from ABI 6, Linux 6.12)`;
  return `the sandboxes are contained by namespaces, capabilities, seccomp and a Landlock domain (ABI ${abi}) only, one wall where SELinux is the second`;
}
