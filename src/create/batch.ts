// `sandbox create -u UNIT NAME1 NAME2 …`: several sandboxes of the same
// services in one call, with one daemon-reload. Each sandbox is created whole
// or not at all (apply.ts), one after the other, in the order given. If one
// fails, it is rolled back, those created before it stay (they are complete
// sandboxes), the rest are not attempted, and the error says all three.
import { ConflictError, SandboxError, UsageError } from '../errors.js';
import type { Security } from './request.js';

/** The names of a batch, checked before anything is read: no repeats; a static label fits one sandbox only. */
export function checkBatch(names: readonly string[], security: Security): void {
  if (names.length === 0) throw new UsageError('name at least one sandbox to create');
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new UsageError(`sandbox '${n}' is named twice`);
    seen.add(n);
  }
  if (security.kind === 'static' && names.length > 1) {
    throw new UsageError('--security static gives one label to one sandbox: create the sandboxes one at a time');
  }
}

/** Names of the batch that already exist, refused before any is created. */
export function existingError(existing: readonly string[]): ConflictError | undefined {
  if (existing.length === 0) return undefined;
  const list = existing.map((n) => `'${n}'`).join(', ');
  return new ConflictError(existing.length === 1 ? `sandbox ${list} already exists` : `sandboxes ${list} already exist`);
}

/** The one-line error of a batch stopped by the failure of `failed`; with one name, the error as it was. */
export function batchError(names: readonly string[], failed: string, created: readonly string[], error: SandboxError): SandboxError {
  if (names.length === 1) return error;
  const rest = names.slice(names.indexOf(failed) + 1);
  const parts = [`creating sandbox '${failed}' failed (rolled back): ${error.message}`];
  parts.push(created.length ? `created: ${created.join(' ')}` : 'none was created');
  if (rest.length) parts.push(`not attempted: ${rest.join(' ')}`);
  return new SandboxError(parts.join('; '), error.exitCode);
}
