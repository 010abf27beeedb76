// Package names go on a command line: refuse anything that is not one, so a
// name can never be read as an option or a pattern.
import { NotFoundError } from '../errors.js';
import type { ManagerName } from './types.js';

// dpkg: [a-z0-9][a-z0-9+.-]* with an optional :arch; rpm adds _ ^ ~ and capitals.
const NAME = /^[A-Za-z0-9][A-Za-z0-9+._~^-]*(:[a-z0-9-]+)?$/;

export function checkPackageName(manager: ManagerName, pkg: string): string {
  if (!NAME.test(pkg)) throw new NotFoundError(`no ${manager} package named '${pkg}'`);
  return pkg;
}
