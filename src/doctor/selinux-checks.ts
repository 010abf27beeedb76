// doctor's SELinux checks, all read from the one readiness query
// (selinux/readiness.ts) that create uses too: the mode, the container types
// the tool writes (from lxc_contexts) existing in the policy, the sandbox module.
import { typeOf } from '../selinux/contexts.js';
import { POLICY_MODULE } from '../selinux/policy.js';
import { missingTypes, type Readiness } from '../selinux/readiness.js';
import { fail, ok, warn, type Check } from './result.js';

const NAME_MODULE = 'policy module';
const NAME_TYPES = 'policy types';

// Where the container types come from when the policy lacks them.
export const CONTAINER_TYPES_FIX =
  'Fedora/RHEL: dnf install container-selinux; Debian: build the container module of the policy sources ' +
  '(apt install selinux-policy-dev selinux-policy-src; tar --zstd -xf /usr/src/selinux-policy-src.tar.zst ' +
  'selinux-policy-src/policy/modules/services/container.te selinux-policy-src/policy/modules/services/container.fc; ' +
  'cd selinux-policy-src/policy/modules/services && make -f /usr/share/selinux/devel/Makefile container.pp && semodule -i container.pp)';

export function checkSelinux(r: Readiness): Check {
  const data = { mode: r.mode };
  if (r.mode === 'enforcing') return ok('selinux', 'enforcing: sandbox labels are enforced', data);
  if (r.mode === 'permissive') return warn('selinux', 'permissive: labels are written but denials are only logged', data);
  return warn('selinux', 'disabled in the kernel: labels are written as xattrs but not enforced', data);
}

export function checkContexts(r: Readiness): Check {
  const c = r.contexts;
  const types = { process: typeOf(c.process), file: typeOf(c.file), roFile: typeOf(c.roFile) };
  return ok('container types', `process ${types.process}, files ${types.file}, read-only ${types.roFile} (from ${c.source})`, { ...types, source: c.source });
}

export function checkPolicyModule(r: Readiness): Check {
  const { mode, module: v } = r;
  const m = v.state;
  const data = { mode, store: m.store, installed: m.installed ?? null, disabled: m.disabled, priority: m.priority ?? null, kernelAllows: v.kernel ?? null, denied: v.denied ?? [] };
  const type = typeOf(r.contexts.process);
  if (v.ready) {
    const how = m.installed ? `${POLICY_MODULE} is installed in ${m.store} (priority ${m.priority})` : `${POLICY_MODULE} is not installed`;
    return ok(NAME_MODULE, v.kernel ? `the loaded policy lets systemd start ${type} under NoNewPrivileges= (transition, nnp_transition); ${how}` : how, data);
  }
  if (v.ready === undefined) return warn(NAME_MODULE, `not checked: ${v.problem}`, data);
  if (mode === 'disabled') return warn(NAME_MODULE, `${v.problem} (SELinux is disabled: it matters once SELinux is on)`, data);
  const effect = mode === 'enforcing' ? 'sandboxes cannot start' : 'sandboxes start only while SELinux is permissive';
  return fail(NAME_MODULE, `${v.problem}; until then ${effect} (systemd may not start ${type})`, data);
}

export function checkPolicyTypes(r: Readiness): Check {
  const c = r.contexts;
  const contexts = { process: c.process, file: c.file, roFile: c.roFile };
  const data = { source: c.source, ...contexts };
  if (Object.values(r.types).every((v) => v === undefined)) return warn(NAME_TYPES, 'not checked: SELinux is disabled in the kernel', data);
  const missing = missingTypes(r);
  if (missing.length === 0) return ok(NAME_TYPES, `the loaded policy has ${Object.values(contexts).map(typeOf).join(', ')}`, data);
  return fail(NAME_TYPES, `the loaded policy has no ${missing.join(', ')} (named by ${c.source}): ${CONTAINER_TYPES_FIX}`, { ...data, missing });
}
