// Runs every uvu test file in its own process (a crash in one file cannot hide
// the others), streams their output, and ends with the line CI counts:
// "N passed, N failed".
//   node dist/test/run.js            unit + integration + vm (those two need root)
//   node dist/test/run.js --unit     unit tests only
//   node dist/test/run.js --no-vm    all but the SELinux VM test (test/vm: minutes)
//   node dist/test/run.js FILTER     only files whose path contains FILTER
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));

function findTests(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(findTests(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const suites = unitOnly ? ['unit'] : args.includes('--no-vm') ? ['unit', 'integration'] : ['unit', 'integration', 'vm'];
let files = suites.flatMap((s) => findTests(path.join(here, s)));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));

if (!unitOnly && process.getuid?.() !== 0) {
  console.error('integration tests need root (they boot a throwaway systemd host); run as root or pass --unit');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

function runFile(file: string): Promise<{ passed: number; failed: number; skipped: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      process.stdout.write(d);
      out += d.toString();
    });
    child.on('close', (code) => {
      const text = strip(out);
      const num = (label: string) => {
        const m = text.match(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm'));
        return m ? Number(m[1]) : undefined;
      };
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped') ?? 0;
      if (total === undefined || passed === undefined) {
        console.log(`\n${path.relative(here, file)}: exited ${code} without a summary: counted as 1 failed`);
        resolve({ passed: 0, failed: 1, skipped: 0 });
        return;
      }
      let failed = total - passed - skipped;
      if (code !== 0 && failed === 0) failed = 1;
      resolve({ passed, failed, skipped });
    });
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const f of files) {
  console.log(`\n# ${path.relative(here, f)}`);
  const r = await runFile(f);
  passed += r.passed;
  failed += r.failed;
  skipped += r.skipped;
}
if (files.length === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
