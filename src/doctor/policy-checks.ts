// doctor checks of the loaded SELinux policy: the sandbox module, and the
// container types the tool writes (from lxc_contexts) existing in the policy.
import type { Paths } from '../paths.js';
import { containerContexts, typeOf, withLevel } from '../selinux/contexts.js';
import { POLICY_MODULE, contextValid, moduleVerdict } from '../selinux/policy.js';
import { selinuxMode } from '../selinux/state.js';
import { fail, ok, warn, type Check } from './check.js';

const NAME_MODULE = 'policy module';
const NAME_TYPES = 'policy types';

// Where the container types come from when the policy lacks them.
export const CONTAINER_TYPES_FIX =
  'Fedora/RHEL: dnf install container-selinux; Debian: build the container module of the policy sources ' +
  '(apt install selinux-policy-dev selinux-policy-src; tar --zstd -xf /usr/src/selinux-policy-src.tar.zst ' +
  'selinux-policy-src/policy/modules/services/container.te selinux-policy-src/policy/modules/services/container.fc; ' +
  'cd selinux-policy-src/policy/modules/services && make -f /usr/share/selinux/devel/Makefile container.pp && semodule -i container.pp)';

export async function checkPolicyModule(paths: Paths): Promise<Check> {
  const mode = await selinuxMode(paths);
  const c = await containerContexts(paths);
  const v = await moduleVerdict(paths, withLevel(c.process, 's0'));
  const m = v.state;
  const data = { mode, store: m.store, installed: m.installed ?? null, disabled: m.disabled, priority: m.priority ?? null, kernelAllows: v.kernel ?? null };
  const type = typeOf(c.process);
  if (v.ready) {
    const how = m.installed ? `${POLICY_MODULE} is installed in ${m.store} (priority ${m.priority})` : `${POLICY_MODULE} is not installed`;
    return ok(NAME_MODULE, v.kernel ? `the loaded policy lets systemd start ${type}; ${how}` : how, data);
  }
  if (v.ready === undefined) return warn(NAME_MODULE, `not checked: ${v.problem}`, data);
  if (mode === 'disabled') return warn(NAME_MODULE, `${v.problem} (SELinux is disabled: it matters once SELinux is on)`, data);
  const effect = mode === 'enforcing' ? 'sandboxes cannot start' : 'sandboxes start only while SELinux is permissive';
  return fail(NAME_MODULE, `${v.problem}; until then ${effect} (systemd may not start ${type})`, data);
}

export async function checkPolicyTypes(paths: Paths): Promise<Check> {
  const c = await containerContexts(paths);
  const contexts = { process: c.process, file: c.file, roFile: c.roFile };
  const verdicts = await Promise.all(Object.values(contexts).map((ctx) => contextValid(paths, ctx)));
  const data = { source: c.source, ...contexts };
  if (verdicts.every((v) => v === undefined)) return warn(NAME_TYPES, 'not checked: SELinux is disabled in the kernel', data);
  const missing = Object.values(contexts).filter((_, i) => verdicts[i] === false).map(typeOf);
  if (missing.length === 0) return ok(NAME_TYPES, `the loaded policy has ${Object.values(contexts).map(typeOf).join(', ')}`, data);
  return fail(NAME_TYPES, `the loaded policy has no ${missing.join(', ')} (named by ${c.source}): ${CONTAINER_TYPES_FIX}`, { ...data, missing });
}
