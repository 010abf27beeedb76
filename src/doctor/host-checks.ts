// doctor's checks of the host, each a small function returning ok/warn/fail:
// root, systemd, package managers, the label space, the tool's directories.
import { promises as fs } from 'node:fs';
import type { Paths } from '../paths.js';
import { SystemdClient } from '../systemd/client.js';
import { systemBusAddress } from '../systemd/dbus-names.js';
import { allManagers } from '../packages/detect.js';
import { openLabelStore } from '../labels/store.js';
import { fail, ok, warn, type Check } from './result.js';

export function checkRoot(paths: Paths): Check {
  const uid = process.getuid?.() ?? -1;
  if (uid === 0) return ok('root', 'running as root');
  if (paths.offline) return warn('root', `running as uid ${uid}: fine for --root, but a live host needs root`);
  return fail('root', `running as uid ${uid}: sandbox needs root to create and manage sandboxes`);
}

export async function checkSystemd(paths: Paths): Promise<Check> {
  if (paths.offline) return warn('systemd', 'not checked: --root works offline');
  const address = systemBusAddress();
  try {
    const c = await SystemdClient.connect({ address, callTimeoutMs: 5000 });
    try {
      const version = await c.version();
      return ok('systemd', `systemd ${version} reachable over D-Bus at ${address}`, { version, address });
    } finally {
      c.close();
    }
  } catch (e) {
    return fail('systemd', (e as Error).message, { address });
  }
}

export async function checkDir(name: string, dir: string): Promise<Check> {
  try {
    const st = await fs.lstat(dir);
    if (st.isSymbolicLink()) return fail(name, `${dir} is a symlink: refusing to use it`);
    if (!st.isDirectory()) return fail(name, `${dir} is not a directory`);
    return ok(name, `${dir} exists (mode ${(st.mode & 0o7777).toString(8)})`, { path: dir });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok(name, `${dir} does not exist yet: created by the first 'sandbox create'`, { path: dir });
    return fail(name, `${dir}: ${(e as Error).message}`);
  }
}

export async function checkPackageManagers(paths: Paths): Promise<Check> {
  const all = allManagers(paths);
  const usable = await Promise.all(all.map((m) => m.available()));
  const names = all.filter((_, i) => usable[i]).map((m) => m.name);
  const data = { usable: names };
  if (names.length === 0) return fail('package managers', 'neither rpm nor dpkg has a package database here: create cannot find what a service owns', data);
  return ok('package managers', `usable: ${names.join(', ')}`, data);
}

export async function checkLabelSpace(paths: Paths): Promise<Check> {
  try {
    const u = await (await openLabelStore(paths)).usage();
    const data = { held: u.held, total: u.total, categories: `c${u.range.min}-c${u.range.max}` };
    const detail = `${u.held} of ${u.total} MCS labels held (categories c${u.range.min}-c${u.range.max})`;
    if (u.total <= 0) return fail('label space', `no labels can be handed out: ${detail}`, data);
    return u.held >= u.total * 0.9 ? warn('label space', `nearly full: ${detail}`, data) : ok('label space', detail, data);
  } catch (e) {
    return fail('label space', (e as Error).message);
  }
}
