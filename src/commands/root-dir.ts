// --root names the tree every path hangs off: a missing one or a file would
// read as "no sandboxes" (or a raw ENOTDIR), so it is refused before any command runs.
import { statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { GlobalArgs } from './common.js';

export function checkRootDir(root: string | undefined): void {
  if (root === undefined) return;
  if (root === '') throw new UsageError('--root needs a directory');
  let isDir: boolean;
  try {
    isDir = statSync(root).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--root ${root}: ${code === 'ENOENT' ? 'no such directory' : `cannot be used (${code})`}`);
  }
  if (!isDir) throw new UsageError(`--root ${root}: not a directory`);
}

export function rootDirMiddleware(argv: GlobalArgs & { help?: boolean }): void {
  if (!argv.help) checkRootDir(argv.root);
}
