// What the tool asks of a package manager, whichever it is.

/** owners()' argument as a list. */
export function pathList(absPath: string | readonly string[]): readonly string[] {
  return typeof absPath === 'string' ? [absPath] : absPath;
}

export type ManagerName = 'rpm' | 'dpkg';

export interface PackageFile {
  /** Absolute host path, as the package database records it. */
  path: string;
  /** Marked as a configuration file (dpkg conffile, rpm %config). */
  conffile: boolean;
}

export interface PackageManager {
  readonly name: ManagerName;
  /** The program is installed and its database exists under the root. */
  available(): Promise<boolean>;
  /**
   * Packages owning an absolute host path; [] when none (or no database).
   * Given several names of one file (aliases.ts), the owners of the first name
   * any package lists.
   */
  owners(absPath: string | readonly string[]): Promise<string[]>;
  /** The package's file list. NotFoundError when it is not installed. */
  files(pkg: string): Promise<PackageFile[]>;
  installed(pkg: string): Promise<boolean>;
  /** The installed version ([EPOCH:]VERSION-RELEASE, as the manager writes it). NotFoundError when it is not installed. */
  version(pkg: string): Promise<string>;
  /**
   * Changes whenever a package is installed, updated or removed (the stat of
   * the database files such a change replaces); undefined: no database, or
   * owners() is not to be cached (packages/owner-cache.ts).
   */
  fingerprint?(): Promise<string | undefined>;
  /** Every installed package with the source package it was built from (src/needs/siblings.ts). */
  sources?(): Promise<Map<string, string>>;
}

export interface PackageOwner {
  manager: PackageManager;
  package: string;
}
