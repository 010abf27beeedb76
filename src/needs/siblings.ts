// Sibling packages: built from the same source package as the service's own
// (samba-common beside samba, mariadb-common beside mariadb-server). What a
// service needs is often split among them: samba-common lists /var/log/samba,
// where smbd writes. Pure: the package → source table in, the siblings out.

/** "pkg<TAB>source" lines (dpkg-query, rpm -qa) → package → source; an empty source is the package's own name. */
export function parseSourceTable(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [pkg, source] = line.split('\t');
    if (!pkg) continue;
    // dpkg writes "name:arch" for multi-arch packages; the source field may carry a version: "openldap (2.5.13)"
    const name = pkg.replace(/:[a-z0-9]+$/, '');
    out.set(name, (source ?? '').replace(/\s*\(.*\)$/, '').trim() || name);
  }
  return out;
}

/** The other installed packages of the same source, sorted; [] when the package is not in the table. */
export function siblingsOf(table: ReadonlyMap<string, string>, pkg: string): string[] {
  const source = table.get(pkg);
  if (source === undefined) return [];
  return [...table].filter(([p, s]) => s === source && p !== pkg).map(([p]) => p).sort();
}
