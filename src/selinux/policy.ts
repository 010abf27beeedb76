// What the loaded SELinux policy holds, as far as sandboxes care: whether a
// context is valid in it and whether it lets systemd start the sandbox type
// (asked of the kernel through selinuxfs, as libselinux's
// security_check_context and security_compute_av do), and whether the
// sandbox policy module is in the policy store (/var/lib/selinux/POLICY).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../paths.js';
import { selinuxfs, selinuxPolicyName } from './state.js';

/** The module contrib/selinux/sandbox_units.cil, as the RPM installs it. */
export const POLICY_MODULE = 'sandbox_units';
export const POLICY_MODULE_FILE = '/usr/share/selinux/packages/sandbox_units.cil';
export const INSTALL_MODULE_FIX = `install it: semodule -X 200 -i ${POLICY_MODULE_FILE}`;
export const ENABLE_MODULE_FIX = `enable it: semodule -e ${POLICY_MODULE}`;
/** systemd's own context, the one that starts every unit. */
const INIT_CONTEXT = 'system_u:system_r:init_t:s0';

/**
 * true/false: the loaded policy has/lacks every part of the context (user,
 * role, type, level); undefined: no SELinux in the kernel to ask.
 */
export async function contextValid(paths: Paths, context: string): Promise<boolean | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(selinuxfs(paths, 'context'), 'r+');
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

/** Is perm of class cls allowed from source to target, as the loaded policy says? undefined: the kernel has no such class or permission (or no SELinux). */
async function policyAllows(paths: Paths, source: string, target: string, cls: string, perm: string): Promise<boolean | undefined> {
  const sel = (p: string) => selinuxfs(paths, p);
  let classIndex: string;
  let bit: number;
  try {
    classIndex = (await fs.readFile(sel(`class/${cls}/index`), 'utf8')).trim();
    bit = Number((await fs.readFile(sel(`class/${cls}/perms/${perm}`), 'utf8')).trim());
  } catch {
    return undefined;
  }
  const handle = await fs.open(sel('access'), 'r+');
  try {
    // A transaction file: write the question, read the answer "allowed decided …" (hex vectors).
    await handle.write(`${source} ${target} ${classIndex}`);
    const buf = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const allowed = parseInt(buf.subarray(0, bytesRead).toString().split(' ')[0] ?? '0', 16);
    return (allowed & (1 << (bit - 1))) !== 0;
  } finally {
    await handle.close();
  }
}

/**
 * What systemd (init_t) needs to start a unit's process in this context, and
 * the loaded policy denies: the process transition, and, since every profile
 * sets NoNewPrivileges=yes, the process2 nnp_transition (a kernel without
 * process2 has no such check). That is what the module adds. undefined: no
 * SELinux in the kernel to ask.
 */
export async function deniedStart(paths: Paths, processContext: string): Promise<string[] | undefined> {
  // An invalid context cannot even be asked about (the kernel says EINVAL): nothing may start in it.
  const valid = await contextValid(paths, processContext);
  if (valid === undefined) return undefined;
  if (!valid) return ['process transition'];
  const transition = await policyAllows(paths, INIT_CONTEXT, processContext, 'process', 'transition');
  if (transition === undefined) return undefined;
  const nnp = await policyAllows(paths, INIT_CONTEXT, processContext, 'process2', 'nnp_transition');
  return [...(transition ? [] : ['process transition']), ...(nnp === false ? ['process2 nnp_transition'] : [])];
}

export interface ModuleState {
  /** The policy store looked in, e.g. /var/lib/selinux/targeted */
  store: string;
  /** undefined: there is no policy store (no SELinux userland), or it could not be read. */
  installed: boolean | undefined;
  /** The store exists but only root may read it. */
  needsRoot?: boolean;
  disabled: boolean;
  /** The highest priority directory the module is in (the RPM installs it at 200). */
  priority?: number;
}

/** Whether the sandbox module is in the active policy store, read from the store's files. */
export async function policyModuleState(paths: Paths): Promise<ModuleState> {
  const store = `/var/lib/selinux/${(await selinuxPolicyName(paths)) ?? 'targeted'}`;
  const modules = paths.host(path.join(store, 'active/modules'));
  let priorities: string[];
  try {
    priorities = (await fs.readdir(modules)).filter((d) => /^\d+$/.test(d));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { store, installed: undefined, disabled: false, needsRoot: true };
    return { store, installed: undefined, disabled: false };
  }
  const exists = (p: string) => fs.stat(p).then(() => true, () => false);
  const found: number[] = [];
  for (const p of priorities) if (await exists(path.join(modules, p, POLICY_MODULE))) found.push(Number(p));
  const disabled = await exists(path.join(modules, 'disabled', POLICY_MODULE));
  return { store, installed: found.length > 0, disabled, ...(found.length ? { priority: Math.max(...found) } : {}) };
}

export interface ModuleVerdict {
  /** Can systemd start sandboxes as far as the policy goes? undefined: not known (no SELinux, or no root). */
  ready: boolean | undefined;
  /** One line: what is wrong and the fix, when ready is not true. */
  problem?: string;
  state: ModuleState;
  /** The kernel's answer, when there is SELinux to ask. */
  kernel: boolean | undefined;
  /** What the loaded policy denies systemd to start the type (deniedStart). */
  denied?: string[];
}

/** The module as the kernel sees it (when SELinux is on), else as the store has it. */
export async function moduleVerdict(paths: Paths, processContext: string): Promise<ModuleVerdict> {
  const state = await policyModuleState(paths);
  const denied = await deniedStart(paths, processContext);
  const kernel = denied === undefined ? undefined : denied.length === 0;
  const where = `${POLICY_MODULE} in ${state.store}`;
  const storeProblem = state.needsRoot
    ? `${state.store} can only be read by root`
    : state.installed === undefined
      ? `no SELinux policy store at ${state.store}`
      : state.disabled
        ? `${where} is disabled: ${ENABLE_MODULE_FIX}`
        : !state.installed
          ? `${where} is not installed: ${INSTALL_MODULE_FIX}`
          : undefined;
  if (kernel === true) return { ready: true, state, kernel };
  if (kernel === false) {
    const problem = storeProblem ?? `${where} is installed but the loaded policy denies systemd ${denied!.join(' and ')}: rebuild and load it: semodule -B`;
    return { ready: false, problem, state, kernel, denied };
  }
  if (state.needsRoot) return { ready: undefined, problem: storeProblem, state, kernel };
  return storeProblem ? { ready: false, problem: storeProblem, state, kernel } : { ready: true, state, kernel };
}
