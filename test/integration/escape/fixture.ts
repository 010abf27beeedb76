// The sbxescape RPM (test/fixtures/escape/): built into a temp dir by the test,
// then installed inside the throwaway host with rpm -i.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../../src/exec.js';

// Compiled to dist/test/integration/escape/; the spec and sources stay in the source tree.
const FIXTURE_DIR = fileURLToPath(new URL('../../../../test/fixtures/escape/', import.meta.url));

/** Builds the package into outDir (nothing is written outside it); returns the .rpm's path. */
export async function buildEscapeRpm(outDir: string): Promise<string> {
  const top = path.resolve(outDir);
  await fs.mkdir(path.join(top, 'SOURCES'), { recursive: true });
  await fs.mkdir(path.join(top, 'tmp'), { recursive: true });
  await fs.cp(path.join(FIXTURE_DIR, 'sbxescape'), path.join(top, 'SOURCES'), { recursive: true });
  const r = await run('rpmbuild', [
    '-bb',
    '--nodeps',
    '--define', `_topdir ${top}`,
    '--define', `_tmppath ${top}/tmp`,
    '--define', `_dbpath ${top}/rpmdb`,
    path.join(FIXTURE_DIR, 'sbxescape.spec'),
  ]);
  if (r.exitCode !== 0) throw new Error(`rpmbuild failed (${r.exitCode}):\n${r.stderr}`);
  const m = /^Wrote: (.+\.rpm)$/m.exec(r.stdout + r.stderr);
  if (!m) throw new Error(`rpmbuild wrote no package:\n${r.stdout}`);
  return m[1]!;
}
