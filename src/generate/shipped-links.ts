// "Is this link ours?": the tool links, never copies, the files it ships as
// they are (units/profiles/*.conf, units/publish/sandbox-publish@.*) into the
// unit directory, so a package update reaches every sandbox. Only such a link
// is ever replaced or removed.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isProfileTarget } from './profiles.js';
import { PUBLISH_TEMPLATES } from '../publish/units.js';

/** A link target is ours when it names a shipped file in some tool's units/ (the tool may have moved). */
export function isShippedTarget(target: string): boolean {
  if (isProfileTarget(target)) return true;
  const m = /^(.*)\/units\/publish\/([^/]+)$/.exec(target);
  return m !== null && path.isAbsolute(target) && (PUBLISH_TEMPLATES as readonly string[]).includes(m[2]!);
}

export async function isShippedLink(file: string): Promise<boolean> {
  const target = await fs.readlink(file).catch(() => undefined);
  return target !== undefined && isShippedTarget(target);
}
