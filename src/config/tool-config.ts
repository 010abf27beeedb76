// The tool's own settings: <configDir>/sandbox.conf (ini). Every key is optional.
//   [labels]
//   categories = 0-1023        ; the MCS categories sandboxes draw from
//   reserved = c1022,c1023     ; pairs never handed out (podman keeps c1022,c1023)
//   [payload]
//   shared = /etc/foo /var/bar ; extra system-wide directories: copy only the package's entries
import ini from 'ini';
import { SandboxError } from '../errors.js';
import type { Paths } from '../paths.js';
import { readIfExists } from '../read-if-exists.js';
import { toolConfigPath } from '../layout.js';

export interface ToolConfig {
  categories: { min: number; max: number };
  /** Levels never handed out, as "cA,cB" pairs. */
  reserved: string[];
  extraSharedDirs: string[];
}

export const DEFAULT_TOOL_CONFIG: ToolConfig = {
  categories: { min: 0, max: 1023 },
  reserved: ['c1022,c1023'],
  extraSharedDirs: [],
};

export async function readToolConfig(paths: Paths): Promise<ToolConfig> {
  const file = toolConfigPath(paths);
  const text = await readIfExists(file);
  if (text === undefined) return DEFAULT_TOOL_CONFIG;
  const data = ini.parse(text) as { labels?: Record<string, string>; payload?: Record<string, string> };
  const cfg: ToolConfig = { ...DEFAULT_TOOL_CONFIG };
  const cats = data.labels?.categories;
  if (cats !== undefined) {
    const m = /^\s*c?(\d+)\s*-\s*c?(\d+)\s*$/.exec(cats);
    if (!m || Number(m[1]) >= Number(m[2]) || Number(m[2]) > 1023) {
      throw new SandboxError(`${file}: categories=${cats} must be a range like 0-1023 (low < high <= 1023)`);
    }
    cfg.categories = { min: Number(m[1]), max: Number(m[2]) };
  }
  if (data.labels?.reserved !== undefined) {
    cfg.reserved = data.labels.reserved.split(/[\s;]+/).filter(Boolean);
  }
  if (data.payload?.shared !== undefined) {
    cfg.extraSharedDirs = data.payload.shared.split(/\s+/).filter(Boolean);
  }
  return cfg;
}
