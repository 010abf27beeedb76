// doctor checks that need the tool's own modules: package managers and the label space.
import type { Paths } from '../paths.js';
import { allManagers } from '../packages/detect.js';
import { openLabelStore } from '../labels/store.js';
import { fail, ok, warn, type Check } from './check.js';

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
