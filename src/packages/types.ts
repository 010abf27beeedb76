// What the tool asks of a package manager, whichever it is.

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
  /** Packages owning an absolute host path; [] when none (or no database). */
  owners(absPath: string): Promise<string[]>;
  /** The package's file list. NotFoundError when it is not installed. */
  files(pkg: string): Promise<PackageFile[]>;
  installed(pkg: string): Promise<boolean>;
}

export interface PackageOwner {
  manager: PackageManager;
  package: string;
}
