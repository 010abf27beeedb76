// State a package's maintainer scripts made, in no file list: mariadb's
// postinst makes /var/lib/mysql, slapd's /var/lib/ldap. What ties such a
// directory to the service is its owner: the service's own system user (the
// unit's User=, a user its tmpfiles.d lines or its listed files belong to).
// Pure: the owners and the candidates in, the directories with a reason out.

/** Where maintainer scripts put a service's state: their direct children are candidates. */
export const STATE_PARENTS = ['/var/lib', '/var/log', '/var/cache', '/var/spool'];

/** Debian's and Fedora's system users (adduser --system, useradd -r): root and people's accounts are never "the service's". */
export const isSystemUser = (uid: number) => uid >= 1 && uid <= 999;

export interface UserFact {
  uid: number;
  name: string;
  /** e.g. "User= of mariadb.service" */
  why: string;
}

export interface Candidate {
  path: string;
  uid: number;
}

/** The service's users, first reason kept; root and non-system users left out. */
export function serviceUsers(facts: readonly UserFact[]): Map<number, UserFact> {
  const out = new Map<number, UserFact>();
  for (const f of facts) if (isSystemUser(f.uid) && !out.has(f.uid)) out.set(f.uid, f);
  return out;
}

/** Candidates owned by one of the service's users, with why. */
export function ownedState(candidates: readonly Candidate[], users: ReadonlyMap<number, UserFact>): { path: string; reason: string }[] {
  return candidates
    .filter((c) => users.has(c.uid))
    .map((c) => {
      const u = users.get(c.uid)!;
      return { path: c.path, reason: `owned by ${u.name}, the service's user (${u.why}); made by a maintainer script, in no file list` };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
