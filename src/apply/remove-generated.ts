// Removing a generated unit file: the drop-in and the profile link share a
// directory, and whichever goes last takes it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { UnitRole } from '../layout.js';
import { removeInside } from './safe-remove.js';

/** Remove a generated file; a drop-in's directory goes too when nothing else is in it. True if the file was there. */
export async function removeGenerated(owned: string[], file: string, role: UnitRole): Promise<boolean> {
  const removed = await removeInside(owned, file);
  if (role === 'dropin' || role === 'profile') await fs.rmdir(path.dirname(file)).catch(() => undefined);
  return removed;
}
