// The intent of a create in progress (.creating-NAME): who runs it and which
// files it may leave. create takes it before its first write and drops it at
// its commit point; recovery reads it to roll a dead create back.
import { promises as fs } from 'node:fs';
import { ConflictError } from '../errors.js';
import type { Paths } from '../paths.js';
import { intentPath, intentTempPath, type OwnedFile } from '../layout.js';
import { removeInside } from '../apply/safe-remove.js';

export interface CreateIntent {
  pid: number;
  name: string;
  /** Host paths (under the root) of generated files that did not exist before. */
  files: OwnedFile[];
  /** Temp files this create's atomic writes may leave if it is killed (absent in intents of older versions). */
  temps?: string[];
  /** 'clone' when `sandbox clone` made it (absent: a create); recovery names it so. */
  op?: 'clone';
}

/** Written whole, then linked into place: link() fails if another create holds the name. */
export async function takeIntent(paths: Paths, intent: CreateIntent): Promise<void> {
  const tmp = intentTempPath(paths, intent.name);
  try {
    await fs.writeFile(tmp, JSON.stringify(intent) + '\n', { mode: 0o600 });
    await fs.link(tmp, intentPath(paths, intent.name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ConflictError(`another 'sandbox create ${intent.name}' is running`);
    throw e;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

export async function dropIntent(paths: Paths, name: string): Promise<void> {
  await removeInside([paths.stateDir], intentPath(paths, name));
}

export async function readIntent(file: string): Promise<CreateIntent | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as CreateIntent;
  } catch {
    // An intent cut short by a crash while it was written: nothing after it happened.
    return undefined;
  }
}
