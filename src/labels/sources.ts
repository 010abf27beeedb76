// Levels held outside the registry, which a new label must not collide with:
// sandbox records, running processes (when SELinux is on), and the labels on
// the roots of existing sandbox trees.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../paths.js';
import { listRecords } from '../config/record.js';
import { run } from '../exec.js';
import { levelOfContext, pairKey, parseLevel } from '../selinux/mcs.js';

/** pair key → who holds it */
export type Holders = Map<string, string>;

export async function recordLevels(paths: Paths): Promise<Holders> {
  const out: Holders = new Map();
  for (const r of await listRecords(paths)) {
    const p = parseLevel(r.label);
    if (p) out.set(pairKey(p), r.name);
  }
  return out;
}

export async function processLevels(procRoot: string): Promise<Holders> {
  const out: Holders = new Map();
  const pids = (await fs.readdir(procRoot).catch(() => [] as string[])).filter((n) => /^\d+$/.test(n));
  await Promise.all(
    pids.map(async (pid) => {
      const ctx = await fs.readFile(path.join(procRoot, pid, 'attr', 'current'), 'utf8').catch(() => '');
      const level = levelOfContext(ctx);
      const p = level ? parseLevel(level) : undefined;
      if (p) out.set(pairKey(p), `process ${pid}`);
    }),
  );
  return out;
}

/** security.selinux of each tree root, read in one getfattr call. */
export async function treeLevels(paths: Paths): Promise<Holders> {
  const out: Holders = new Map();
  const names = (await fs.readdir(paths.stateDir).catch(() => [] as string[])).filter((n) => !n.startsWith('.'));
  if (!names.length) return out;
  const r = await run('getfattr', ['-h', '--absolute-names', '-n', 'security.selinux', ...names.map((n) => path.join(paths.stateDir, n))]);
  let file = '';
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('# file: ')) file = line.slice(8);
    const m = /^security\.selinux="(.*)"$/.exec(line);
    if (m && file) {
      const level = levelOfContext(m[1]!.replace(/\\000$/, ''));
      const p = level ? parseLevel(level) : undefined;
      if (p) out.set(pairKey(p), `tree ${file}`);
    }
  }
  return out;
}
