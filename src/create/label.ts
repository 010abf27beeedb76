// The bridge between create/delete and the label allocator: which level to use,
// the contexts built from it, and how to commit or release it.
import type { Paths } from '../paths.js';
import type { ToolConfig } from '../config/tool-config.js';
import { containerContexts, withLevel } from '../selinux/contexts.js';
import { openLabelStore } from '../labels/store.js';
import type { CreateRequest } from './request.js';
import type { PlannedLabel } from './plan.js';

export interface LabelChoice {
  planned: PlannedLabel;
  /** Shown after the level in --dry-run. */
  note: string;
  commit: () => Promise<void>;
  release: () => Promise<void>;
}

export async function openLabels(paths: Paths, config?: ToolConfig) {
  return openLabelStore(paths, config ? { config } : {});
}

/** Reserve the sandbox's label (dynamic or static); a dry run reserves nothing. */
export async function labelFor(paths: Paths, config: ToolConfig, req: CreateRequest, opts: { dryRun: boolean }): Promise<LabelChoice> {
  const contexts = await containerContexts(paths);
  const store = await openLabels(paths, config);
  const nothing = async () => {};
  let level: string;
  let processContext: string;
  let note = '';
  if (req.security.kind === 'static') {
    const held = opts.dryRun ? await store.checkStatic(req.name, req.security.label) : await store.reserveStatic(req.name, req.security.label);
    level = held.level;
    processContext = req.security.label.split(':').length >= 4 ? req.security.label : withLevel(contexts.process, level);
    note = ' (static)';
  } else if (opts.dryRun) {
    level = (await store.peek()).level;
    processContext = withLevel(contexts.process, level);
    note = ' (an example: the label is drawn when the sandbox is created)';
  } else {
    level = (await store.allocate(req.name)).level;
    processContext = withLevel(contexts.process, level);
  }
  return {
    planned: { level, processContext, fileContext: withLevel(contexts.file, level) },
    note,
    commit: opts.dryRun ? nothing : () => store.commit(req.name),
    release: opts.dryRun ? nothing : () => store.release(req.name),
  };
}
