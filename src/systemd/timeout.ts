import { UnavailableError } from '../errors.js';

/** dbus-next has no call timeouts: a call to a dead peer never settles. Every call goes through this. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnavailableError(`${what()}: no answer within ${ms / 1000}s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
