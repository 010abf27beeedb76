// SELinux as the kernel reports it: selinuxfs mounted at /sys/fs/selinux means
// enabled; its 'enforce' file says enforcing (1) or permissive (0).
import { promises as fs } from 'node:fs';
import type { Paths } from '../paths.js';

export type SelinuxMode = 'disabled' | 'permissive' | 'enforcing';

export async function selinuxMode(paths: Paths): Promise<SelinuxMode> {
  try {
    const v = (await fs.readFile(paths.host('/sys/fs/selinux/enforce'), 'utf8')).trim();
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
