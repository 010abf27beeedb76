// The Landlock helper (sandbox-landlock.c beside this file) and exec's helper
// (src/enter/sandbox-enter.c): where the package installs them, whether this
// host has them, and which Landlock ABI the kernel has.
import { promises as fs } from 'node:fs';
import type { Paths } from '../paths.js';
import { run } from '../exec.js';

/**
 * A host path written into units, like the profiles' links. In /usr/libexec so
 * that SELinux labels it bin_t, an entrypoint of the sandbox type
 * (contrib/selinux/sandbox_units.cil); the sandbox sees it there too
 * (/usr is shared read-only), which a checkout under /root or /home is not.
 */
export const LANDLOCK_HELPER = '/usr/libexec/sandbox/sandbox-landlock';
/** sandbox exec's helper (src/enter/sandbox-enter.c), beside it. */
export const ENTER_HELPER = '/usr/libexec/sandbox/sandbox-enter';

/** The helper's host path when it is installed under the root, else undefined (units then run without it). */
export async function installedHelper(paths: Paths, helper = LANDLOCK_HELPER): Promise<string | undefined> {
  const st = await fs.stat(paths.host(helper)).catch(() => undefined);
  return st?.isFile() && (st.mode & 0o111) !== 0 ? helper : undefined;
}

/** The running kernel's Landlock ABI as the helper reports it (0: none), or undefined without the helper. */
export async function landlockAbi(paths: Paths): Promise<number | undefined> {
  const helper = await installedHelper(paths);
  if (!helper) return undefined;
  const r = await run(paths.host(helper), ['--abi']);
  const abi = Number(String(r.stdout).trim());
  return r.exitCode === 0 && Number.isInteger(abi) ? abi : undefined;
}
