// The tool's own journal entries carry SANDBOX_AUTH=, an HMAC of their fields
// under a key only root on the host can read (<stateDir>/.journal-key, which
// a tmpfs covers in every sandbox). journald's own fields (_COMM, _EXE,
// _SYSTEMD_CGROUP) are read from /proc after the message arrives, so an entry
// from a logger that has already exited can lack them; the key does not
// depend on that race.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { Paths } from '../paths.js';
import { journalKeyPath, wholeTempPath } from '../layout.js';

const KEY_BYTES = 32;

/** The key for signing, read (or made) once per command: a batch logs many entries at once, and they share it. */
const signingKeys = new Map<string, Promise<Buffer | undefined>>();

/** The key; made (0600, from the kernel's random source) when `create` and there is none. undefined when none can be read. */
export function journalKey(paths: Paths, create: boolean): Promise<Buffer | undefined> {
  const file = journalKeyPath(paths);
  if (!create) return readKey(file);
  let key = signingKeys.get(file);
  if (!key) {
    signingKeys.set(file, (key = readOrMakeKey(file)));
    // None could be made (no state directory yet): the next entry tries again.
    void key.then((k) => k ?? signingKeys.delete(file));
  }
  return key;
}

const readKey = (file: string) => fs.readFile(file).then((k) => (k.length === KEY_BYTES ? k : undefined), () => undefined);

async function readOrMakeKey(file: string): Promise<Buffer | undefined> {
  const key = await readKey(file);
  if (key) return key;
  // Written whole and synced under a temp name, then linked in: a crash never leaves a short key,
  // and of two commands making it at once the second finds the first's whole key (link: EEXIST).
  const temp = wholeTempPath(file);
  try {
    const fh = await fs.open(temp, 'wx', 0o600);
    try {
      await fh.writeFile(randomBytes(KEY_BYTES));
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await fs.link(temp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A key of the wrong length (a cut-short write of an older version) is replaced.
      if (!(await readKey(file))) await fs.rename(temp, file);
    }
  } catch {
    return undefined;
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
  return readKey(file);
}

/**
 * The fields an entry's SANDBOX_AUTH covers, in this order. SANDBOX_TIME (µs
 * since the epoch, when signed) and SANDBOX_PID (the pid of the logger that
 * sends it) keep a copy sent again from being taken for the tool's (journal/trust.ts).
 */
export const SIGNED_FIELDS = ['SANDBOX_NAME', 'SANDBOX_UNIT', 'SANDBOX_LABEL', 'SANDBOX_ACTION', 'PRIORITY', 'SYSLOG_IDENTIFIER', 'MESSAGE', 'SANDBOX_TIME', 'SANDBOX_PID'] as const;

export function signFields(key: Buffer, values: Record<string, string>): string {
  const h = createHmac('sha256', key);
  h.update(JSON.stringify(SIGNED_FIELDS.map((f) => values[f] ?? '')));
  return h.digest('hex');
}

/** Does auth sign these values under key? */
export function signedBy(key: Buffer, values: Record<string, string>, auth: string): boolean {
  const want = Buffer.from(signFields(key, values), 'hex');
  const got = Buffer.from(/^[0-9a-f]{64}$/.test(auth) ? auth : '', 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}
