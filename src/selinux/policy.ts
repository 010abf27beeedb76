// What the loaded SELinux policy holds, as far as sandboxes care: whether a
// context is valid in it (asked of the kernel through selinuxfs, as
// libselinux's security_check_context does) and whether the sandbox policy
// module is installed in the policy store (/var/lib/selinux/POLICY).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../paths.js';
import { selinuxPolicyName } from './state.js';

/** The module contrib/selinux/sandbox.cil, as the RPM installs it. */
export const POLICY_MODULE = 'sandbox';
export const POLICY_MODULE_FILE = '/usr/share/selinux/packages/sandbox.cil';
export const INSTALL_MODULE_FIX = `install it: semodule -i ${POLICY_MODULE_FILE}`;

/**
 * true/false: the loaded policy has/lacks every part of the context (user,
 * role, type, level); undefined: no SELinux in the kernel to ask.
 */
export async function contextValid(paths: Paths, context: string): Promise<boolean | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(paths.host('/sys/fs/selinux/context'), 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    await handle.write(context + '\0');
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EINVAL') return false;
    throw e;
  } finally {
    await handle.close();
  }
}

export interface ModuleState {
  /** The policy store looked in, e.g. /var/lib/selinux/targeted */
  store: string;
  /** undefined: there is no policy store (no SELinux userland). */
  installed: boolean | undefined;
  disabled: boolean;
  /** The priority directory the module is in (semodule -i uses 400). */
  priority?: number;
}

/** Whether the sandbox module is in the active policy store, read from the store's files. */
export async function policyModuleState(paths: Paths): Promise<ModuleState> {
  const store = `/var/lib/selinux/${(await selinuxPolicyName(paths)) ?? 'targeted'}`;
  const modules = paths.host(path.join(store, 'active/modules'));
  let priorities: string[];
  try {
    priorities = (await fs.readdir(modules)).filter((d) => /^\d+$/.test(d));
  } catch {
    return { store, installed: undefined, disabled: false };
  }
  const exists = (p: string) => fs.stat(p).then(() => true, () => false);
  const found: number[] = [];
  for (const p of priorities) if (await exists(path.join(modules, p, POLICY_MODULE))) found.push(Number(p));
  const disabled = await exists(path.join(modules, 'disabled', POLICY_MODULE));
  return { store, installed: found.length > 0, disabled, ...(found.length ? { priority: Math.max(...found) } : {}) };
}
