// The sbxescape RPM (test/fixtures/escape/): built into a temp dir by the test,
// then installed inside the throwaway host with rpm -i.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRpm } from '../../fixtures/rpm/build.js';

// Compiled to dist/test/integration/escape/; the spec and sources stay in the source tree.
const FIXTURE_DIR = fileURLToPath(new URL('../../../../test/fixtures/escape/', import.meta.url));

/** Builds the package into outDir (nothing is written outside it); returns the .rpm's path. */
export function buildEscapeRpm(outDir: string): Promise<string> {
  return buildRpm(path.join(FIXTURE_DIR, 'sbxescape.spec'), path.join(FIXTURE_DIR, 'sbxescape'), outDir);
}
