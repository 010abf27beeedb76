// The bridge between create/delete and the label allocator: which level to use,
// the contexts built from it, and how to commit or release it.
import type { Paths } from '../paths.js';
import type { ToolConfig } from '../config/tool-config.js';
import { shown, UnavailableError, UsageError } from '../errors.js';
import { typeOf, withLevel, type ContainerContexts } from '../selinux/contexts.js';
import { contextValid } from '../selinux/policy.js';
import { missingRoles, selinuxReadiness, type Readiness } from '../selinux/readiness.js';
import { openLabelStore, type LabelStore } from '../labels/store.js';
import { NO_LABEL_OPS, type LabelOps } from '../labels/ops.js';
import type { CreateRequest } from './request.js';
import type { PlannedLabel } from './plan.js';

/** What the label depends on: whose it is, and whether it is drawn or given (create or clone). */
export type LabelRequest = Pick<CreateRequest, 'name' | 'security'>;

export interface LabelChoice {
  planned: PlannedLabel;
  /** Shown after the level in --dry-run. */
  note: string;
  /** The store's operations; a dry run's do nothing. */
  labels: LabelOps;
}

export async function openLabels(paths: Paths, config?: ToolConfig) {
  return openLabelStore(paths, config ? { config } : {});
}

/**
 * With SELinux on, the contexts the sandbox will get must exist in the loaded
 * policy: checked before a label is reserved or a file written, since
 * labelling the tree or starting the unit would fail halfway otherwise.
 */
async function assertContextsInPolicy(paths: Paths, se: Readiness, req: LabelRequest): Promise<void> {
  const contexts = se.contexts;
  // A static label is a whole context, or a level for the policy's process type.
  const staticContext =
    req.security.kind !== 'static' ? undefined : req.security.label.split(':').length >= 4 ? req.security.label : withLevel(contexts.process, req.security.label);
  if (staticContext && (await contextValid(paths, staticContext)) === false) {
    throw new UsageError(`label ${staticContext} is not valid in the loaded SELinux policy (its user, role, type or level is unknown to it)`);
  }
  for (const what of missingRoles(se, ['process', 'file'])) {
    throw new UnavailableError(`the loaded SELinux policy has no ${typeOf(contexts[what])}, the sandbox ${what} type named by ${contexts.source}: run 'sandbox doctor' for the fix`);
  }
}

/**
 * A static label given as a whole context runs the sandbox with the same
 * user, role and type an allocated one gets (the policy's lxc_contexts):
 * only its level is the admin's. unconfined_t, or any other type, is refused.
 */
export function checkStaticType(label: string, contexts: ContainerContexts): void {
  const parts = label.split(':');
  if (parts.length < 4) return;
  const want = contexts.process.split(':').slice(0, 3).join(':');
  if (parts.slice(0, 3).join(':') !== want) {
    throw new UsageError(`label ${shown(label)}: a sandbox runs as ${want} (from ${contexts.source}); give the level alone (s0:cA,cB) or ${want}:s0:cA,cB`);
  }
}

/** Where the labels of one command come from: SELinux's readiness and the label store, read once for a whole batch. */
export interface LabelSource {
  paths: Paths;
  se: Readiness;
  store: LabelStore;
}

export async function openLabelSource(paths: Paths, config: ToolConfig): Promise<LabelSource> {
  return { paths, se: await selinuxReadiness(paths), store: await openLabels(paths, config) };
}

/** Reserve the sandbox's label (dynamic or static); a dry run reserves nothing. */
export async function labelFor(source: LabelSource, req: LabelRequest, opts: { dryRun: boolean }): Promise<LabelChoice> {
  const { paths, se, store } = source;
  const contexts = se.contexts;
  if (req.security.kind === 'static') checkStaticType(req.security.label, contexts);
  await assertContextsInPolicy(paths, se, req);
  let level: string;
  let processContext: string;
  let note = '';
  if (req.security.kind === 'static') {
    const held = opts.dryRun ? await store.checkStatic(req.name, req.security.label) : await store.reserveStatic(req.name, req.security.label);
    level = held.level;
    // checkStaticType made sure a whole context differs from this in its level only, if at all.
    processContext = withLevel(contexts.process, level);
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
    labels: opts.dryRun ? NO_LABEL_OPS : store,
  };
}
