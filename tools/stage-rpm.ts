// Lays out the RPM's Source0 tree and fills in its spec; contrib/build-rpm.sh
// calls it after bundling and tars the tree.
//   node dist/tools/stage-rpm.js BUNDLE METAFILE STAGE_DIR SPEC_OUT
// STAGE_DIR gets sandbox.mjs (the bundle, as a module: /usr/bin/sandbox runs
// it with node), package.json, templates/, units/, the generated sandbox.8 and
// completion, sandbox.conf, the policy module sandbox_units.cil, the Landlock
// helper's C source (compiled by the spec's %build), README.md, LICENSE, licenses/ (of the bundled
// modules) and the filled-in sandbox.spec (so `rpmbuild -tb` works on the tarball).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, projectFile } from '../src/install-paths.js';
import { bundledModules, bundledProvides, copyLicenses } from './bundled.js';
import { cliModel, isMain } from './cli-model.js';
import { renderCompletion } from './gen-completion.js';
import { renderMan } from './gen-man.js';

interface PackageJson {
  name: string;
  version: string;
  description: string;
  license: string;
  homepage?: string;
  engines?: { node?: string };
}

// package.json has no homepage yet; the spec needs a URL.
const FALLBACK_URL = 'https://example.invalid/sandbox';

/** Fills in the spec's fields between at signs (VERSION, …), from package.json and the bundle. */
export function fillSpec(template: string, fields: Record<string, string>): string {
  return template.replace(/@([A-Z_]+)@/g, (whole, key: string) => {
    if (!(key in fields)) throw new Error(`sandbox.spec: no value for ${whole}`);
    return fields[key]!;
  });
}

/** ">=20" → "20": the oldest Node major the tool supports. */
export function nodeMajor(engines: string | undefined): string {
  const m = /\d+/.exec(engines ?? '');
  if (!m) throw new Error(`package.json: engines.node ("${engines}") names no version`);
  return m[0];
}

export async function stageRpm(bundle: string, metafile: string, stage: string, specOut: string): Promise<void> {
  const pkg = JSON.parse(await fs.readFile(projectFile('package.json'), 'utf8')) as PackageJson;
  await fs.rm(stage, { recursive: true, force: true });
  await fs.mkdir(stage, { recursive: true });
  const put = (name: string, text: string) => fs.writeFile(path.join(stage, name), text);

  // The entry's "#!/usr/bin/env node" is dropped: the file is a module run by
  // the wrapper, not an executable (Fedora wants no env shebangs either).
  await put('sandbox.mjs', (await fs.readFile(bundle, 'utf8')).replace(/^#![^\n]*\n/, ''));
  // Only what the installed tool reads (its version), not the dev scripts and dependencies.
  const { name, version, description, license, homepage } = pkg;
  await put('package.json', JSON.stringify({ name, version, description, license, homepage, type: 'module' }, null, 2) + '\n');
  await fs.cp(projectFile('templates'), path.join(stage, 'templates'), { recursive: true });
  // units/ is empty today and git keeps no empty directory: make it either way.
  await fs.mkdir(path.join(stage, 'units'));
  await fs.cp(projectFile('units'), path.join(stage, 'units'), { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  for (const f of ['README.md', 'LICENSE', 'contrib/sandbox.conf', 'contrib/selinux/sandbox_units.cil', 'src/landlock/sandbox-landlock.c', 'src/landlock/landlock.h', 'src/enter/sandbox-enter.c']) await fs.copyFile(projectFile(f), path.join(stage, path.basename(f)));

  const model = cliModel();
  await put('sandbox.8', renderMan(model, version));
  await put('sandbox.bash-completion', renderCompletion(model));

  const modules = await bundledModules(metafile, PROJECT_ROOT);
  await copyLicenses(modules, path.join(stage, 'licenses'));

  if (!homepage) process.stderr.write(`stage-rpm: package.json has no "homepage": the spec's URL is ${FALLBACK_URL}\n`);
  const spec = fillSpec(await fs.readFile(projectFile('contrib', 'sandbox.spec'), 'utf8'), {
    VERSION: version,
    LICENSE: license,
    URL: homepage ?? FALLBACK_URL,
    NODE_MAJOR: nodeMajor(pkg.engines?.node),
    BUNDLED_PROVIDES: bundledProvides(modules),
  });
  await put('sandbox.spec', spec);
  await fs.mkdir(path.dirname(specOut), { recursive: true });
  await fs.writeFile(specOut, spec);
}

if (isMain(import.meta.url)) {
  const [bundle, metafile, stage, specOut] = process.argv.slice(2);
  if (!specOut) {
    process.stderr.write('usage: node stage-rpm.js BUNDLE METAFILE STAGE_DIR SPEC_OUT\n');
    process.exit(2);
  }
  await stageRpm(path.resolve(bundle!), path.resolve(metafile!), path.resolve(stage!), path.resolve(specOut));
}
