// The host's size, the upper bound of a limit: MemTotal and the CPUs this process may use.
// Read synchronously: the command line is checked before anything else runs.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { HostSize } from './spec.js';

export function hostSize(): HostSize {
  let meminfo = '';
  try {
    meminfo = readFileSync('/proc/meminfo', 'utf8');
  } catch {
    // no /proc: os.totalmem() below
  }
  const kb = Number(/^MemTotal:\s+(\d+) kB$/m.exec(meminfo)?.[1] ?? 0);
  return { memoryBytes: kb > 0 ? kb * 1024 : os.totalmem(), cpus: os.availableParallelism() };
}
