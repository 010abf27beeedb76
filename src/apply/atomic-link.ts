// A symlink appears whole or not at all: made under the temp name of
// layout.ts (which recovery knows), then renamed over. Only a link that is
// ours (a link to a file the tool ships) is ever replaced.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConflictError } from '../errors.js';
import { isShippedLink, tempPathOf } from '../layout.js';

export async function writeLinkAtomic(file: string, target: string): Promise<void> {
  const st = await fs.lstat(file).catch(() => undefined);
  if (st && !(await isShippedLink(file))) throw new ConflictError(`${file} exists and was not made by sandbox, refusing to replace it`);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  const tmp = tempPathOf(file);
  await fs.symlink(target, tmp);
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}
