// selinux/: what the kernel and the loaded policy say (mode, contexts, module, MCS levels).
// The one SELinux readiness query that doctor and create share: the mode, the
// container contexts from lxc_contexts and whether the loaded policy has their
// types, and the verdict on the sandbox policy module. Each caller words it its own way.
import type { Paths } from '../paths.js';
import { containerContexts, typeOf, withLevel, type ContainerContexts } from './contexts.js';
import { contextValid, moduleVerdict, type ModuleVerdict } from './policy.js';
import { selinuxMode, type SelinuxMode } from './state.js';

export type ContextRole = 'process' | 'file' | 'roFile';

export interface Readiness {
  mode: SelinuxMode;
  contexts: ContainerContexts;
  /** Does the loaded policy have each context (at level s0)? undefined: no SELinux in the kernel to ask. */
  types: Record<ContextRole, boolean | undefined>;
  module: ModuleVerdict;
}

export async function selinuxReadiness(paths: Paths): Promise<Readiness> {
  const mode = await selinuxMode(paths);
  const contexts = await containerContexts(paths);
  const valid = (role: ContextRole) => contextValid(paths, withLevel(contexts[role], 's0'));
  const types = { process: await valid('process'), file: await valid('file'), roFile: await valid('roFile') };
  const module = await moduleVerdict(paths, withLevel(contexts.process, 's0'));
  return { mode, contexts, types, module };
}

/** The roles whose type the loaded policy lacks. */
export function missingRoles(r: Readiness, roles: readonly ContextRole[] = ['process', 'file', 'roFile']): ContextRole[] {
  return roles.filter((role) => r.types[role] === false);
}

/** The type names of those roles, e.g. container_t. */
export function missingTypes(r: Readiness, roles?: readonly ContextRole[]): string[] {
  return missingRoles(r, roles).map((role) => typeOf(r.contexts[role]));
}
