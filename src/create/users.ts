// User and group names → ids, from the root's /etc/passwd and /etc/group
// (the root may be a --root tree, so getpwnam is not the answer).
import { promises as fs } from 'node:fs';
import { NotFoundError } from '../errors.js';
import type { Paths } from '../paths.js';

export async function idTable(paths: Paths, file: string): Promise<Map<string, { id: number; gid?: number }>> {
  const out = new Map<string, { id: number; gid?: number }>();
  let text = '';
  try {
    text = await fs.readFile(paths.host(file), 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && f[0]) out.set(f[0], { id: Number(f[2]), gid: f[3] !== undefined ? Number(f[3]) : undefined });
  }
  return out;
}

/** uid/gid for a unit's User=/Group= (numeric ids pass through; default root). */
export async function resolveOwner(paths: Paths, user?: string, group?: string): Promise<{ uid: number; gid: number }> {
  let uid = 0;
  let gid = 0;
  if (user) {
    if (/^\d+$/.test(user)) uid = Number(user);
    else {
      const u = (await idTable(paths, '/etc/passwd')).get(user);
      if (!u) throw new NotFoundError(`user '${user}' (User= of the unit) does not exist`);
      uid = u.id;
      gid = u.gid ?? 0;
    }
  }
  if (group) {
    if (/^\d+$/.test(group)) gid = Number(group);
    else {
      const g = (await idTable(paths, '/etc/group')).get(group);
      if (!g) throw new NotFoundError(`group '${group}' (Group= of the unit) does not exist`);
      gid = g.id;
    }
  }
  return { uid, gid };
}
