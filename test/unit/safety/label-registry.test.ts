// Issue 19 item 4: the label registry's files are data, never paths. A by-name
// file poisoned with `../../…/victim/keep`, or a held file naming a sandbox
// `../../victim`, makes neither delete nor doctor --repair remove anything
// outside; doctor reports the corrupt entry and --repair rewrites or removes it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { buildFixtureRoot, copyRoot, makeTmp, sandbox } from './fixture-root.js';

const work = await makeTmp('label-registry');
const fixture = await buildFixtureRoot(work);
const victimDir = path.join(work, 'victim');
const victim = path.join(victimDir, 'keep');
const LABELS = 'var/lib/sandbox/.labels';
let n = 0;

async function freshRoot(...names: string[]): Promise<string> {
  const root = await copyRoot(fixture, path.join(work, `root-${++n}`));
  for (const name of names) {
    const r = await sandbox(root, ['create', '-u', 'sbxdemo.service', name]);
    assert.is(r.code, 0, r.stderr);
  }
  await fs.mkdir(victimDir, { recursive: true });
  await fs.writeFile(victim, 'keep\n');
  return root;
}

/** The relative path from a registry dir to the victim, as a poisoned file would hold it. */
const towardsVictim = (root: string, dir: string) => path.relative(path.join(root, LABELS, dir), victim);
const levelOf = async (root: string, name: string) => /^label=s0:(c\d+,c\d+)$/m.exec(await fs.readFile(path.join(root, 'etc/sandbox', `${name}.sandbox`), 'utf8'))![1]!;
const exists = (p: string) => fs.lstat(p).then(() => true, () => false);

interface Check {
  name: string;
  status: string;
  detail: string;
}
async function doctor(root: string, ...more: string[]): Promise<{ code: number | null; checks: Check[] }> {
  const r = await sandbox(root, ['doctor', '--json', ...more]);
  return { code: r.code, checks: (JSON.parse(r.stdout) as { checks: Check[] }).checks };
}

test('a poisoned by-name file: delete removes the sandbox and its label, nothing outside', async () => {
  const root = await freshRoot('a', 'b');
  const key = await levelOf(root, 'a');
  await fs.writeFile(path.join(root, LABELS, 'by-name/a'), towardsVictim(root, 'pending') + '\n');
  const r = await sandbox(root, ['delete', 'a']);
  assert.is(r.code, 0, r.stderr);
  assert.is(await fs.readFile(victim, 'utf8'), 'keep\n');
  assert.is(await exists(path.join(root, LABELS, 'held', key)), false, 'the label of a is released');
  assert.is(await exists(path.join(root, LABELS, 'by-name/a')), false);
  assert.is(await exists(path.join(root, LABELS, 'held', await levelOf(root, 'b'))), true, "b's label stays");
});

test('doctor reports a corrupt by-name entry of a recorded sandbox; --repair rewrites it from the record', async () => {
  const root = await freshRoot('a');
  const key = await levelOf(root, 'a');
  const poison = towardsVictim(root, 'held');
  await fs.writeFile(path.join(root, LABELS, 'by-name/a'), poison + '\n');
  const d = await doctor(root);
  assert.is(d.code, 1);
  const corrupt = d.checks.filter((c) => c.name === 'corrupt label entry');
  assert.is(corrupt.length, 1, JSON.stringify(d.checks));
  assert.is(corrupt[0]!.status, 'fail');
  assert.ok(corrupt[0]!.detail.startsWith('/var/lib/sandbox/.labels/by-name/a does not name a label'), corrupt[0]!.detail);
  assert.ok(corrupt[0]!.detail.includes(poison), corrupt[0]!.detail);
  assert.is(await fs.readFile(path.join(root, LABELS, 'by-name/a'), 'utf8'), poison + '\n', 'doctor alone changes nothing');

  const repaired = await doctor(root, '--repair');
  assert.is(repaired.code, 0, JSON.stringify(repaired.checks));
  assert.is(await fs.readFile(path.join(root, LABELS, 'by-name/a'), 'utf8'), key + '\n');
  assert.is(await fs.readFile(victim, 'utf8'), 'keep\n');
  const again = await doctor(root);
  assert.equal(again.checks.filter((c) => c.name === 'consistency').map((c) => c.status), ['ok']);
  // The repaired entry is the one delete uses.
  assert.is((await sandbox(root, ['delete', 'a'])).code, 0);
  assert.is(await exists(path.join(root, LABELS, 'held', key)), false);
});

test('a corrupt by-name entry of no sandbox and a held file naming ../../victim: --repair removes them, nothing outside', async () => {
  const root = await freshRoot('a');
  await fs.writeFile(path.join(root, LABELS, 'by-name/ghost'), towardsVictim(root, 'pending') + '\n');
  const forged = path.join(root, LABELS, 'held/c3,c4');
  await fs.writeFile(forged, JSON.stringify({ sandbox: path.relative(path.join(root, LABELS, 'by-name'), victim), pid: 1, start: '', since: '' }) + '\n');
  const d = await doctor(root);
  assert.is(d.code, 1);
  assert.is(d.checks.filter((c) => c.name === 'corrupt label entry' && c.detail.includes('by-name/ghost')).length, 1, JSON.stringify(d.checks));
  assert.is(d.checks.filter((c) => c.name === 'orphan label' && c.detail.includes('c3,c4')).length, 1, JSON.stringify(d.checks));
  const repaired = await doctor(root, '--repair');
  assert.is(repaired.code, 0, JSON.stringify(repaired.checks));
  assert.is(await exists(path.join(root, LABELS, 'by-name/ghost')), false);
  assert.is(await exists(forged), false);
  assert.is(await fs.readFile(victim, 'utf8'), 'keep\n');
  assert.is(await exists(path.join(root, LABELS, 'held', await levelOf(root, 'a'))), true);
});

test.after(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

test.run();
