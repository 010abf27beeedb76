// Runs every uvu test file in its own process (a crash in one file cannot hide
// the others), streams their output, and ends with the line CI counts:
// "N passed, N failed". A file counts as failed when a test fails, it crashes
// or throws at import, a hook throws, it hangs past its timeout, it uses
// test.only, or it ran no test. Files a filter leaves out count as failed too
// (a partial run is never green). Skips are counted once and shown; in CI
// (CI=true, as root) a skip fails unless its name holds "[cannot run here: …]".
//   node dist/test/run.js            unit + integration + vm (those two need root)
//   node dist/test/run.js --unit     unit tests only
//   node dist/test/run.js --no-vm    all but the SELinux VM test (test/vm: minutes)
//   node dist/test/run.js FILTER     only files whose path contains FILTER
//   --dir DIR                        run the test files in DIR instead (the runner's own tests)
//   --timeout SECONDS                per file (default 900; the vm suite 2400)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { verdict, type FileRun } from './runner/verdict.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const preload = pathToFileURL(path.join(here, 'runner', 'preload.js')).href;
const argv = process.argv.slice(2);

function option(name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
}
const dir = option('--dir');
const timeoutOption = option('--timeout');
const unitOnly = argv.includes('--unit');
const noVm = argv.includes('--no-vm');
const filters = argv.filter((a) => !a.startsWith('--'));
const ci = process.env.CI === 'true' && process.getuid?.() === 0;

function findTests(d: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(d).sort()) {
    const p = path.join(d, name);
    if (statSync(p).isDirectory()) out = out.concat(findTests(p));
    else if (/\.test\.m?js$/.test(name)) out.push(p);
  }
  return out;
}

const all = dir ? findTests(path.resolve(dir)) : ['unit', 'integration', 'vm'].flatMap((s) => findTests(path.join(here, s)));
const suiteOf = (f: string) => path.relative(here, f).split(path.sep)[0];
let files = all;
if (!dir && unitOnly) files = files.filter((f) => suiteOf(f) === 'unit');
if (!dir && noVm) files = files.filter((f) => suiteOf(f) !== 'vm');
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
const leftOut = all.length - files.length;

if (!dir && files.some((f) => suiteOf(f) !== 'unit') && process.getuid?.() !== 0) {
  console.error('integration tests need root (they boot a throwaway systemd host); run as root or pass --unit');
  console.log(`0 passed, ${all.length} failed`);
  process.exit(1);
}

function timeoutFor(file: string): number {
  if (timeoutOption) return Number(timeoutOption);
  return suiteOf(file) === 'vm' ? 2400 : 900;
}

function runFile(file: string): Promise<FileRun> {
  const timeoutSeconds = timeoutFor(file);
  return new Promise((resolve) => {
    // its own process group, so a hung file is killed with everything it started
    const child = spawn(process.execPath, ['--enable-source-maps', '--import', preload, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    let stdout = '';
    let timedOut = false;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      console.log(`\n${path.relative(here, file)}: no end after ${timeoutSeconds} s: stopping it`);
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 15_000).unref();
    }, timeoutSeconds * 1000);
    child.stdout.on('data', (d: Buffer) => {
      process.stdout.write(d);
      stdout += d.toString();
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ file, code, signal, timedOut, timeoutSeconds, stdout });
    });
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
const failures: string[] = [];
for (const f of files) {
  const name = path.relative(dir ? path.resolve(dir) : here, f);
  console.log(`\n# ${name}`);
  const v = verdict(await runFile(f), { ci });
  passed += v.passed;
  failed += v.failed;
  skipped += v.skipped;
  if (v.failed) failures.push(`${name}: ${v.causes.join('; ')}`);
}
if (leftOut) {
  failed += leftOut;
  failures.push(`${leftOut} test file(s) not run: left out by ${[unitOnly && '--unit', noVm && '--no-vm', ...filters].filter(Boolean).join(' ')}`);
}
if (all.length === 0) {
  failed += 1;
  failures.push('no test file found');
}
if (failures.length) console.log(`\nFailed:\n${failures.map((l) => `  ${l}`).join('\n')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
