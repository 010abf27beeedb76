// Where the tool's own files (templates/, units/, package.json) are: the project
// root in a checkout (dist/src/ is two levels down, dist/src/tools/ three), or
// the install prefix /usr/lib/sandbox when installed from the RPM, which has
// the same layout with the bundle, sandbox.mjs, at its top (zero levels down:
// everything bundled shares the bundle's import.meta.url).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function findProjectRoot(): string {
  let dir = here;
  for (let i = 0; i < 4; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'templates'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`internal: cannot find the tool's templates/ above ${here}`);
}

export const PROJECT_ROOT = findProjectRoot();

export function projectFile(...parts: string[]): string {
  return path.join(PROJECT_ROOT, ...parts);
}
