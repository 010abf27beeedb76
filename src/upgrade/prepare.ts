// EFFECTOR: everything an upgrade will put in place, made beside it first in
// .upgrading-NAME (staged files, labelled; hard-link backups of what they
// replace; the new base), and the journal of steps that puts it in place.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import { run } from '../exec.js';
import type { Paths } from '../paths.js';
import { recordPath, SANDBOX_NEW_SUFFIX, UPGRADE_PARTS, upgradeDir } from '../layout.js';
import { serializeRecord, type SandboxRecord } from '../config/record.js';
import { labelTree } from '../payload/label.js';
import { copyBase } from './base-copy.js';
import { linkOut, parentInside } from './inside.js';
import type { Journal, Step } from './journal.js';
import type { ResolvedAction } from './resolve.js';
import type { UpgradeFacts } from './gather.js';

/** The record after the upgrade: the packages' versions now. */
export function upgradedRecord(f: UpgradeFacts): SandboxRecord {
  return { ...f.record, packageVersions: Object.fromEntries(f.drift.filter((d) => d.installed !== undefined).map((d) => [d.name, d.installed!])) };
}

export async function prepareSteps(paths: Paths, j: Journal, f: UpgradeFacts, actions: ResolvedAction[]): Promise<Step[]> {
  const dir = upgradeDir(paths, j.name);
  const tree = paths.host(j.tree);
  await fs.mkdir(path.join(dir, UPGRADE_PARTS.staged), { mode: 0o700 });
  await fs.mkdir(path.join(dir, UPGRADE_PARTS.backups), { mode: 0o700 });
  let n = 0;
  const mkdirs: Step[] = [];
  const files: Step[] = [];
  const made = new Set<string>();

  /** Directories of rel's parent the tree lacks, each as the host has it. */
  const parents = async (rel: string) => {
    const parts = path.posix.dirname(rel).split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const d = '/' + parts.slice(0, i).join('/');
      if (made.has(d) || (await parentInside(tree, d + '/x')) === 'ok') continue;
      const st = await fs.stat(paths.host(d));
      made.add(d);
      mkdirs.push({ kind: 'mkdir', rel: d, uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 });
    }
  };
  const stageCopy = async (host: string) => {
    const staged = path.join(UPGRADE_PARTS.staged, String(n++));
    const r = await run('cp', ['-a', '--preserve=all', '--no-dereference', '-T', paths.host(host), path.join(dir, staged)]);
    if (r.exitCode !== 0) throw new SandboxError(`copying ${host} failed: ${r.stderr.trim()}`);
    await labelTree(path.join(dir, staged), j.fileContext);
    return staged;
  };
  const stageText = async (text: string, owner: { uid: number; gid: number; mode: number }) => {
    const staged = path.join(UPGRADE_PARTS.staged, String(n++));
    const file = path.join(dir, staged);
    await fs.writeFile(file, text, { mode: owner.mode, flag: 'wx' });
    await fs.lchown(file, owner.uid, owner.gid);
    await fs.chmod(file, owner.mode);
    await labelTree(file, j.fileContext);
    return staged;
  };
  /** A hard link to what rel is now (a regular file), kept to put back; undefined when nothing is there. */
  const backup = async (rel: string) => {
    const b = path.join(UPGRADE_PARTS.backups, String(n++));
    return (await linkOut(tree, rel, path.join(dir, b), `${j.tree}${rel}`)) ? b : undefined;
  };

  for (const a of actions) {
    if (a.kind === 'add') {
      await parents(a.path);
      files.push({ kind: 'tree', rel: a.path, staged: await stageCopy(a.path) });
    } else if (a.kind === 'replace') {
      files.push({ kind: 'tree', rel: a.path, staged: await stageCopy(a.path), backup: await backup(a.path) });
    } else if (a.kind === 'merge' && a.merged?.clean) {
      files.push({ kind: 'tree', rel: a.path, staged: await stageText(a.merged.text, a.owner!), backup: await backup(a.path) });
    } else if (a.kind === 'merge' || a.kind === 'offer') {
      const rel = a.path + SANDBOX_NEW_SUFFIX;
      const staged = a.merged && 'text' in a.merged && a.owner ? await stageText(a.merged.text, a.owner) : await stageCopy(a.path);
      files.push({ kind: 'tree', rel, staged, backup: await backup(rel) });
    }
  }
  const units: Step[] = [];
  for (const u of f.units) {
    const file = paths.host(u.path);
    const oldLink = await fs.readlink(file).catch(() => undefined);
    const oldText = oldLink === undefined ? await fs.readFile(file, 'utf8').catch(() => undefined) : undefined;
    const old = oldLink !== undefined ? { content: '', linkTo: oldLink } : oldText !== undefined ? { content: oldText } : undefined;
    units.push({ kind: 'unit', path: u.path, role: u.role, content: u.content, ...(u.linkTo !== undefined ? { linkTo: u.linkTo } : {}), ...(old ? { old } : {}) });
  }
  await copyBase(paths, f.plan.base, path.join(dir, UPGRADE_PARTS.newBase));
  const old = await fs.readFile(recordPath(paths, j.name), 'utf8');
  const record: Step = { kind: 'record', content: serializeRecord(upgradedRecord(f)), old };
  return [...mkdirs, ...files, ...units, { kind: 'base' }, record];
}
