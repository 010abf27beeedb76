// The three-way merge of one file, by GNU diff3 (diffutils: on every Debian
// and Fedora host). diff3 never opens a path the sandbox can write: the
// sandbox's copy (read by inside.ts) goes to a private temp file first (diff3
// reads its inputs twice, so stdin will not do); the base and the package's
// file are ours.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import { run } from '../exec.js';

export type MergeResult = { clean: true; text: string } | { clean: false; text: string } | { clean: false; binary: true };

/** diff3 -m MINE BASE THEIRS: the merged text, with conflict markers when both changed the same lines. */
export async function mergeFile(mine: Buffer, baseFile: string, theirsFile: string, shownPath: string): Promise<MergeResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sandbox-merge-'));
  try {
    const mineFile = path.join(dir, 'mine');
    await fs.writeFile(mineFile, mine, { mode: 0o600 });
    const labels = ['-L', `${shownPath} (sandbox)`, '-L', `${shownPath} (as created)`, '-L', `${shownPath} (package)`];
    const r = await run('diff3', ['-m', ...labels, mineFile, baseFile, theirsFile]);
    if (r.exitCode === 0) return { clean: true, text: r.stdout };
    if (r.exitCode === 1) return { clean: false, text: r.stdout };
    if (/binary/i.test(r.stderr)) return { clean: false, binary: true };
    throw new SandboxError(`diff3 -m of ${shownPath} failed: ${r.stderr.trim()}`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
