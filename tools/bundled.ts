// The npm modules esbuild put into the bundle, read from its metafile. The RPM
// declares each as bundled(npm(NAME)) = VERSION and ships its license files,
// as Fedora asks of bundled libraries.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface BundledModule {
  name: string;
  version: string;
  /** License files in the module's directory (LICENSE, LICENCE.md, COPYING, …). */
  licenseFiles: string[];
  dir: string;
}

const LICENSE_FILE = /^(licen[cs]e|copying|notice)([.-].*)?$/i;

/** The module a bundled input belongs to: its innermost node_modules/NAME (or @scope/NAME). */
export function moduleOf(input: string): string | undefined {
  const all = [...input.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)];
  return all.at(-1)?.[1];
}

export async function bundledModules(metafile: string, projectRoot: string): Promise<BundledModule[]> {
  const meta = JSON.parse(await fs.readFile(metafile, 'utf8')) as { inputs: Record<string, unknown> };
  const dirs = new Map<string, string>();
  for (const input of Object.keys(meta.inputs)) {
    const name = moduleOf(input);
    if (name) dirs.set(name, path.resolve(projectRoot, input.slice(0, input.lastIndexOf(`node_modules/${name}/`) + `node_modules/${name}`.length)));
  }
  const out: BundledModule[] = [];
  for (const [name, dir] of [...dirs].sort(([a], [b]) => a.localeCompare(b))) {
    const pkg = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as { version: string };
    const licenseFiles = (await fs.readdir(dir)).filter((f) => LICENSE_FILE.test(f)).sort();
    out.push({ name, version: pkg.version, licenseFiles, dir });
  }
  return out;
}

export function bundledProvides(modules: BundledModule[]): string {
  return modules.map((m) => `Provides:       bundled(npm(${m.name})) = ${m.version}`).join('\n');
}

/** Copies each module's license files to DIR/NAME/. */
export async function copyLicenses(modules: BundledModule[], dir: string): Promise<void> {
  for (const m of modules) {
    if (!m.licenseFiles.length) throw new Error(`bundled module ${m.name} ${m.version} has no license file in ${m.dir}`);
    await fs.mkdir(path.join(dir, m.name), { recursive: true });
    for (const f of m.licenseFiles) await fs.copyFile(path.join(m.dir, f), path.join(dir, m.name, f));
  }
}
