// The tool's version, read from package.json both in a checkout and when installed.
import { readFileSync } from 'node:fs';
import { projectFile } from './install-paths.js';

export const VERSION: string = (JSON.parse(readFileSync(projectFile('package.json'), 'utf8')) as { version: string }).version;
