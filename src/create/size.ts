// How much a plan copies (for --dry-run): entries and bytes, walking the host without following links.
import type { Paths } from '../paths.js';
import { walkTree } from '../payload/walk.js';
import type { CreatePlan } from './plan.js';
import type { PayloadSize } from './print-plan.js';

export async function payloadSize(paths: Paths, plan: CreatePlan): Promise<PayloadSize> {
  let files = 0;
  let bytes = 0;
  for (const e of plan.payload.entries) {
    const entries = await walkTree(paths.host(e.path), { includeTop: true }).catch(() => []);
    for (const t of entries) {
      files++;
      if (t.stats.isFile()) bytes += t.stats.size;
    }
  }
  return { files, bytes };
}
