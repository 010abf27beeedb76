import { promises as fs, readFileSync } from 'node:fs';

function absentOrThrow(e: unknown): undefined {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw e;
}

/** A text file's content, or undefined when it does not exist (any other error is thrown). */
export async function readIfExists(file: string): Promise<string | undefined> {
  return fs.readFile(file, 'utf8').catch(absentOrThrow);
}

/**
 * The same, synchronously: for many small files read at once (every sandbox
 * record), where the promise API costs several times the reads themselves.
 */
export function readIfExistsSync(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    return absentOrThrow(e);
  }
}
