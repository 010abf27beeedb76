// SELinux as the kernel reports it: selinuxfs mounted at /sys/fs/selinux means
// enabled; its 'enforce' file says enforcing (1) or permissive (0).
// This module is the one answer to "is SELinux on?"; the others ask it.
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../paths.js';

export type SelinuxMode = 'disabled' | 'permissive' | 'enforcing';

const SELINUXFS = '/sys/fs/selinux';

/** A file of selinuxfs under the root, e.g. selinuxfs(paths, 'context'). */
export function selinuxfs(paths: Paths, ...parts: string[]): string {
  return paths.host(path.posix.join(SELINUXFS, ...parts));
}

/** SELinux is on when selinuxfs at `root` (tests give a fake one) has its enforce file. */
export function selinuxOnAt(root: string): boolean {
  return existsSync(path.join(root, 'enforce'));
}

export async function selinuxMode(paths: Paths): Promise<SelinuxMode> {
  try {
    const v = (await fs.readFile(selinuxfs(paths, 'enforce'), 'utf8')).trim();
    return v === '1' ? 'enforcing' : 'permissive';
  } catch {
    return 'disabled';
  }
}

/** SELINUXTYPE from /etc/selinux/config (the loaded policy's name), if any. */
export async function selinuxPolicyName(paths: Paths): Promise<string | undefined> {
  try {
    const text = await fs.readFile(paths.host('/etc/selinux/config'), 'utf8');
    return /^\s*SELINUXTYPE\s*=\s*(\S+)/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}
