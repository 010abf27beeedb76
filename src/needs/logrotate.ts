// The log files a package's logrotate.d(5) entry names: a service that writes
// /var/log/vsftpd.log, a file directly in the system-wide /var/log, ships that
// name in /etc/logrotate.d/vsftpd. Pure: the text in, the paths out.

export interface LogrotateEntry {
  /** A path or glob as written, e.g. /var/log/vsftpd.log or /var/log/samba/log.smbd */
  path: string;
  /** From "create MODE OWNER GROUP" in its block, when given. */
  mode?: number;
  user?: string;
  group?: string;
  where: string;
}

/** Paths named before each "{", with the "create" directive of their block. */
export function parseLogrotate(text: string, file: string): LogrotateEntry[] {
  const out: LogrotateEntry[] = [];
  let pending: LogrotateEntry[] = [];
  let block: LogrotateEntry[] | undefined;
  let script = false;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    if (script) {
      if (line === 'endscript') script = false;
      return;
    }
    if (block) {
      if (/^(pre|post|first|last)rotate$|^preremove$/.test(line)) script = true;
      else if (line.startsWith('}')) block = undefined;
      else {
        const c = /^create\s+([0-7]{3,4})(?:\s+(\S+))?(?:\s+(\S+))?$/.exec(line);
        if (c) for (const e of block) Object.assign(e, { mode: parseInt(c[1]!, 8), ...(c[2] ? { user: c[2] } : {}), ...(c[3] ? { group: c[3] } : {}) });
      }
      return;
    }
    for (const word of line.split(/\s+/)) {
      if (word === '{') {
        block = pending;
        out.push(...pending);
        pending = [];
      } else if (word.startsWith('/')) pending.push({ path: word.replace(/^"|"$/g, ''), where: `${file}:${i + 1}` });
    }
  });
  return out;
}

export const hasGlob = (p: string) => /[*?[]/.test(p);
