// Whether the process that wrote an intent or a temp file still runs: its
// leftovers are then not leftovers yet.
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
