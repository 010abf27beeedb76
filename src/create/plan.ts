// create/: the create engine: gather facts, plan (pure), reserve a label, apply (run.ts drives it).
// The pure half of create: request + facts + label → every file to copy, every
// unit to write, the record. --dry-run prints it; apply.ts carries it out.
import type { SandboxRecord } from '../config/record.js';
import { DEFAULT_STATE_DIR, DEFAULT_UNIT_DIR } from '../paths.js';
import { planPayload, type PayloadPlan } from '../payload/rules.js';
import { sandboxUnitFiles, type GeneratedFile } from '../generate/units.js';
import { instanceName, treeOf } from '../layout.js';
import type { CreateFacts } from './gather.js';
import type { CreateRequest } from './request.js';
import { publishFiles, templateLinks } from '../publish/units.js';
import { formatPublish } from '../publish/spec.js';
import { limitsFiles } from '../limits/units.js';
import { packageFileSet } from '../upgrade/base-files.js';

export interface PlannedLabel {
  /** MCS level, e.g. s0:c12,c345 */
  level: string;
  processContext: string;
  fileContext: string;
}

export interface DirToCreate {
  path: string;
  uid: number;
  gid: number;
  mode: number;
  reason: string;
  /** An empty file rather than a directory. */
  file?: boolean;
}

export interface CreatePlan {
  name: string;
  /** Host path of the tree: /var/lib/sandbox/NAME */
  tree: string;
  label: PlannedLabel;
  payload: PayloadPlan;
  create: DirToCreate[];
  files: GeneratedFile[];
  record: SandboxRecord;
  /** The systemd units that run the sandbox. */
  units: string[];
  /** Host paths of the package files whose pristine copies are kept as its base (upgrade's merge ancestor). */
  base: string[];
}

/** What a new sandbox (made by create or clone) is, apart from how its tree is filled. */
export type NewSandbox = Pick<CreatePlan, 'name' | 'tree' | 'label' | 'files' | 'record'>;

export interface PlanContext {
  version: string;
  now: Date;
  extraSharedDirs: readonly string[];
  /** Host path of the installed Landlock helper, put in front of every command of the units. */
  landlockHelper?: string;
}

/**
 * Planning is pure: a plan made with this stand-in label, before any label is
 * reserved, refuses every value that cannot go into a unit (generate/unit-values.ts)
 * while nothing is written yet.
 */
export const PROBE_LABEL: PlannedLabel = {
  level: 's0:c0,c1',
  processContext: 'system_u:system_r:probe_t:s0:c0,c1',
  fileContext: 'system_u:object_r:probe_t:s0:c0,c1',
};

export function planCreate(req: CreateRequest, facts: CreateFacts, label: PlannedLabel, ctx: PlanContext): CreatePlan {
  const tree = treeOf(req.name);
  const payload = planPayload({
    packageFiles: facts.packageFiles,
    unitDirs: facts.unitDirs,
    copy: facts.copy,
    exclude: req.exclude,
    extraSharedDirs: ctx.extraSharedDirs,
  });
  const create = payload.toCreate.map((t) => ({ path: t.path, ...(t.owner ?? { ...facts.unitOwner, mode: 0o755 }), reason: t.reason, ...(t.file ? { file: true } : {}) }));
  // A link is not bound: systemd would bind what it points at; the sandbox sees the host's own link, which points at the same.
  const boundPaths = [...payload.entries.filter((e) => !e.link).map((e) => e.path), ...create.map((c) => c.path)];
  const files: GeneratedFile[] = [];
  for (const u of facts.units) {
    const generated = sandboxUnitFiles(
      u.unit,
      { unit: u.name, source: u.source, vendorTemplate: u.vendorTemplate, unitDir: DEFAULT_UNIT_DIR, stateDir: DEFAULT_STATE_DIR, version: ctx.version, runtimeDirs: facts.runtimeDirs, landlockHelper: ctx.landlockHelper },
      { name: req.name, processContext: label.processContext, network: req.network, boundPaths, tree, profile: req.profile, allowDbus: req.allowDbus },
    );
    for (const f of generated) if (!files.some((x) => x.path === f.path)) files.push(f);
  }
  for (const f of limitsFiles(DEFAULT_UNIT_DIR, ctx.version, req.name, facts.units.map((u) => u.name), req.limits)) files.push({ path: f.path, content: f.content, role: 'dropin' });
  // Published ports: the proxies join the network namespace of the sandbox's first unit.
  if (req.publish.length) {
    for (const l of templateLinks(DEFAULT_UNIT_DIR)) files.push({ path: l.path, content: '', role: 'link', linkTo: l.linkTo });
    const main = instanceName(facts.units[0]!.name, req.name);
    for (const f of publishFiles(DEFAULT_UNIT_DIR, ctx.version, req.name, main, req.publish)) files.push({ path: f.path, content: f.content, role: 'dropin' });
  }
  const record: SandboxRecord = {
    name: req.name,
    units: facts.units.map((u) => u.name),
    packages: facts.packages.map((p) => p.name),
    packageVersions: Object.fromEntries(facts.packages.map((p) => [p.name, p.version])),
    copy: req.copy,
    exclude: req.exclude,
    label: label.level,
    processContext: label.processContext,
    fileContext: label.fileContext,
    tree,
    network: req.network,
    profile: req.profile,
    dbus: req.allowDbus ? 'host' : 'none',
    publish: req.publish.map(formatPublish),
    limits: req.limits,
    security: req.security.kind,
    created: ctx.now.toISOString(),
    version: ctx.version,
  };
  return { name: req.name, tree, label, payload, create, files, record, units: facts.units.map((u) => instanceName(u.name, req.name)), base: packageFileSet(facts.packageFiles, payload) };
}
