// Never half-made: `create`, `clone` and `delete` are SIGKILLed at every crash
// point in src/ and at random moments; the next command (which runs recovery)
// must leave every sandbox whole or gone, nothing orphaned, the package's own
// files as they were, and a clone's source as it was. Each trial works on its own `cp -a` of a fixture root.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixtureRoot, copyRoot, HOST_PATHS, inPool, makeTmp, sandbox, type CliResult } from './fixture-root.js';
import { checkConsistent, readRecords } from './invariants.js';
import { diffSnapshots, snapshot, type Snapshot } from './tree-snapshot.js';

const TIMED_TRIALS = 80;
const MAX_DELAY_MS = 300;
// Two trials at a time: each is a handful of short processes on its own root.
const WIDTH = 2;

type Op = 'create' | 'delete' | 'clone';
type Scenario = 'alone' | 'beside';
type Kill = { point: string } | { delayMs: number };

interface Trial {
  op: Op;
  scenario: Scenario;
  kill: Kill;
}

const work = await makeTmp('crash');
const fixture = await buildFixtureRoot(work);
const hostBefore = await snapshot(fixture, HOST_PATHS);
// Templates, made once: 'beside' has a sandbox 'base' of the same service, whose
// shared units (template, target) the trial must never take away.
const templates = new Map<string, Promise<string>>();

async function ok(root: string, args: string[]): Promise<CliResult> {
  const r = await sandbox(root, args);
  if (r.code !== 0) throw new Error(`sandbox ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}

function template(op: Op, scenario: Scenario): Promise<string> {
  const key = `${op}-${scenario}`;
  if (!templates.has(key)) {
    templates.set(
      key,
      (async () => {
        const root = await copyRoot(fixture, path.join(work, `template-${key}`));
        if (scenario === 'beside') await ok(root, ['create', '-u', 'sbxdemo.service', 'base']);
        if (op === 'delete') await ok(root, ['create', '-u', 'sbxdemo.service', 'victim']);
        if (op === 'clone') await ok(root, ['create', '-u', 'sbxdemo.service', '--memory', '64M', 'src']);
        return root;
      })(),
    );
  }
  return templates.get(key)!;
}

// The values the dynamic crash point names take in a create of 'x' from
// sbxdemo.service, and in a clone of it as 'x' (sbxdemo has no vendor
// template: the clone writes no service body, and the shared target is there).
const EXPANSIONS: Record<string, string[]> = {
  '${op}': ['create', 'clone'],
  '${f.role}': ['service', 'dropin', 'target', 'profile'],
  '${path.basename(file)}': ['x', 'sbxdemo@.service', '50-sandbox.conf', 'sbxdemo-sandboxes.target', 'x.sandbox'],
};
const NOT_IN_A_CLONE = new Set(['clone:wrote-service', 'clone:wrote-target']);

/** Every crashPoint('…') name in src/, its ${…} parts expanded. */
async function crashPoints(): Promise<string[]> {
  const src = fileURLToPath(new URL('../../../../src/', import.meta.url));
  const names = new Set<string>();
  const visit = async (dir: string): Promise<void> => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await visit(p);
      else if (e.name.endsWith('.ts')) {
        for (const m of (await fs.readFile(p, 'utf8')).matchAll(/crashPoint\(\s*[`'"]([^`'"]+)[`'"]\s*\)/g)) names.add(m[1]!);
      }
    }
  };
  await visit(src);
  const out: string[] = [];
  const expand = (n: string): void => {
    const part = /\$\{[^}]+\}/.exec(n)?.[0];
    if (part === undefined) out.push(n);
    else if (EXPANSIONS[part]) for (const v of EXPANSIONS[part]) expand(n.replace(part, v));
    else throw new Error(`crash point ${n}: add the values of ${part} to EXPANSIONS`);
  };
  for (const n of names) expand(n);
  return out.filter((p) => !NOT_IN_A_CLONE.has(p)).sort();
}

function problemsWith(label: string, problems: string[]): void {
  assert.equal(problems, [], `${label}:\n  ${problems.join('\n  ')}`);
}

async function hostUnchanged(root: string): Promise<string[]> {
  return diffSnapshots(hostBefore, (await snapshot(root, HOST_PATHS)) as Snapshot);
}

const recorded = async (root: string, name: string) => (await readRecords(root)).some((r) => r.name === name);

/** The source of the clone trials: its tree, record and units must never change. */
const SOURCE_PATHS = ['/var/lib/sandbox/src', '/var/lib/sandbox/.manifests/src', '/etc/sandbox/src.sandbox', '/etc/systemd/system/sbxdemo@src.service.d'];
const sourceBefore = new Map<string, Promise<Snapshot>>();

async function sourceUnchanged(root: string, scenario: Scenario): Promise<string[]> {
  const key = `clone-${scenario}`;
  if (!sourceBefore.has(key)) sourceBefore.set(key, template('clone', scenario).then((t) => snapshot(t, SOURCE_PATHS)));
  return diffSnapshots(await sourceBefore.get(key)!, (await snapshot(root, SOURCE_PATHS)) as Snapshot);
}

const ARGS: Record<Op, string[]> = {
  create: ['create', '-u', 'sbxdemo.service', 'x'],
  clone: ['clone', 'src', 'x'],
  delete: ['delete', 'victim'],
};
const opOf = (point: string): Op => (point.startsWith('delete:') ? 'delete' : point.startsWith('clone:') ? 'clone' : 'create');

/** One trial on its own root; returns what happened, for the tally. */
async function runTrial(t: Trial, root: string, what: string): Promise<string> {
  const name = t.op === 'delete' ? 'victim' : 'x';
  const args = ARGS[t.op];
  const killed = await sandbox(root, args, 'point' in t.kill ? { env: { SANDBOX_CRASH_AT: t.kill.point } } : { killAfterMs: t.kill.delayMs });
  if ('point' in t.kill) assert.is(killed.signal, 'SIGKILL', `${what}: the crash point was not reached (exit ${killed.code}: ${killed.stderr})`);
  else if (killed.signal === null) assert.is(killed.code, 0, `${what}: ${killed.stderr}`);

  // The next command recovers; after it everything is whole or gone.
  const next = await sandbox(root, ['list']);
  assert.is(next.code, 0, `${what}: list after the crash: ${next.stderr}`);
  problemsWith(`${what}, after list`, [...(await checkConsistent(root)), ...(await hostUnchanged(root))]);
  if (t.scenario === 'beside') assert.ok(await recorded(root, 'base'), `${what}: the other sandbox is gone`);
  if (t.op === 'clone') problemsWith(`${what}, the clone's source`, await sourceUnchanged(root, t.scenario));

  const outcome = `${t.op} ${killed.signal ? 'killed' : 'finished'}, ${recoveryDid(next.stderr)}`;
  if (t.op !== 'delete') {
    // Crashed after the commit point: it exists; before it: the name is free again.
    const made = await recorded(root, name);
    const again = await sandbox(root, args);
    assert.is(again.code, made ? 4 : 0, `${what}: create again: ${again.stderr}`);
    assert.ok(await recorded(root, name), `${what}: ${name} not recorded after create again`);
    problemsWith(`${what}, after create again`, [...(await checkConsistent(root)), ...(await hostUnchanged(root))]);
    return `${outcome}, ${made ? 'exists' : 'gone'}`;
  }
  // A delete killed past its first step is finished by the next command; one
  // killed before it left the sandbox whole, and deleting it again works.
  const left = await recorded(root, name);
  if ('point' in t.kill) assert.not.ok(left, `${what}: ${name} still recorded after list`);
  if (left) await ok(root, args);
  assert.not.ok(await recorded(root, name), `${what}: ${name} still recorded`);
  problemsWith(`${what}, after delete`, [...(await checkConsistent(root)), ...(await hostUnchanged(root))]);
  return `${outcome}, ${left ? 'untouched' : 'gone'}`;
}

/** What recovery said it did, for the tally (its notes on stderr). */
function recoveryDid(stderr: string): string {
  if (/finished the interrupted delete/.test(stderr)) return 'delete finished by recovery';
  if (/rolled back the interrupted create/.test(stderr)) return 'create rolled back by recovery';
  if (/rolled back the interrupted clone/.test(stderr)) return 'clone rolled back by recovery';
  if (/released the label of the interrupted create/.test(stderr)) return 'label released by recovery';
  return 'nothing to recover';
}

const tally = new Map<string, number>();
let trials = 0;
let keptRoots = false;

/** Every trial runs, failed or not; a failed trial's root is kept for a look, and all failures are reported at once. */
async function runAll(list: Trial[]): Promise<void> {
  const failures: string[] = [];
  await inPool(list, WIDTH, async (t) => {
    const n = ++trials;
    const root = await copyRoot(await template(t.op, t.scenario), path.join(work, `trial-${n}`));
    const what = `trial ${n}: ${t.op} ${t.scenario} ${'point' in t.kill ? `at ${t.kill.point}` : `killed after ${t.kill.delayMs} ms`}`;
    try {
      const outcome = await runTrial(t, root, what);
      tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
      await fs.rm(root, { recursive: true, force: true });
    } catch (e) {
      failures.push(`${(e as Error).message} [root kept: ${root}]`);
      keptRoots = true;
    }
  });
  assert.equal(failures, [], `${failures.length} of ${list.length} trials failed:\n${failures.join('\n')}`);
}

test('every crash point in src/, for create, clone and delete, alone and beside another sandbox', async () => {
  const points = await crashPoints();
  assert.ok(['create:', 'clone:', 'delete:'].every((op) => points.some((p) => p.startsWith(op))), points.join(' '));
  const list: Trial[] = [];
  // upgrade's points need a package update on a booted host: test/integration/upgrade.test.ts kills it at one and checks the rollback.
  for (const point of points.filter((p) => !p.startsWith('upgrade:'))) {
    for (const scenario of ['alone', 'beside'] as const) list.push({ op: opOf(point), scenario, kill: { point } });
  }
  await runAll(list);
  console.log(`  ${list.length} crash-point trials over ${points.length} points: ${points.join(' ')}`);
});

test(`${TIMED_TRIALS} kills at a random moment`, async () => {
  // The CLI needs a while to start; half the kills count from then, so they land in the work itself.
  const t0 = Date.now();
  await sandbox(undefined, ['--version']);
  const startup = Date.now() - t0;
  const list: Trial[] = [];
  for (let i = 0; i < TIMED_TRIALS; i++) {
    const delayMs = Math.floor(Math.random() * (MAX_DELAY_MS + 1)) + (i % 2 ? startup : 0);
    list.push({ op: (['create', 'delete', 'clone'] as const)[Math.floor(i / 2) % 3]!, scenario: i % 8 < 4 ? 'alone' : 'beside', kill: { delayMs } });
  }
  await runAll(list);
  console.log(`  ${TIMED_TRIALS} timed trials (0-${MAX_DELAY_MS} ms, half of them after a ${startup} ms start-up)`);
});

test('counts', async () => {
  for (const [k, v] of [...tally].sort()) console.log(`  ${String(v).padStart(3)} × ${k}`);
  console.log(`  ${trials} trials in total`);
  assert.ok(trials >= 100, `only ${trials} trials`);
  // Kept when a trial failed (its root is named in the failure).
  if (!keptRoots) await fs.rm(work, { recursive: true, force: true });
});

test.run();
