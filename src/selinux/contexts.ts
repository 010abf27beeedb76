// The container types a sandbox uses come from the policy's lxc_contexts, so the
// same tool works with container-selinux (container_t), older policies (svirt_*)
// and Debian with the container module built. Defaults when the file is absent.
import { promises as fs } from 'node:fs';
import type { Paths } from '../paths.js';
import { selinuxPolicyName } from './state.js';

export interface ContainerContexts {
  /** e.g. system_u:system_r:svirt_lxc_net_t:s0 */
  process: string;
  /** e.g. system_u:object_r:svirt_sandbox_file_t:s0 */
  file: string;
  /** shared read-only content, e.g. system_u:object_r:svirt_content_t:s0 */
  roFile: string;
  /** Where the values came from: a file path or "built-in defaults". */
  source: string;
}

export const DEFAULT_CONTEXTS: ContainerContexts = {
  process: 'system_u:system_r:svirt_lxc_net_t:s0',
  file: 'system_u:object_r:svirt_sandbox_file_t:s0',
  roFile: 'system_u:object_r:svirt_content_t:s0',
  source: 'built-in defaults',
};

export function parseLxcContexts(text: string, source: string): ContainerContexts {
  const get = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*"([^"]+)"`, 'm').exec(text)?.[1];
  return {
    process: get('process') ?? DEFAULT_CONTEXTS.process,
    file: get('file') ?? DEFAULT_CONTEXTS.file,
    roFile: get('ro_file') ?? get('content') ?? DEFAULT_CONTEXTS.roFile,
    source,
  };
}

export async function containerContexts(paths: Paths): Promise<ContainerContexts> {
  const policy = (await selinuxPolicyName(paths)) ?? 'targeted';
  for (const name of [policy, 'targeted', 'default']) {
    const file = `/etc/selinux/${name}/contexts/lxc_contexts`;
    try {
      return parseLxcContexts(await fs.readFile(paths.host(file), 'utf8'), file);
    } catch {
      /* try the next one */
    }
  }
  return DEFAULT_CONTEXTS;
}

/** Replace the level of a context: (user:role:type:s0, s0:c1,c2) → user:role:type:s0:c1,c2 */
export function withLevel(context: string, level: string): string {
  const [user, role, type] = context.split(':');
  return `${user}:${role}:${type}:${level}`;
}

export function typeOf(context: string): string {
  return context.split(':')[2] ?? '';
}
