// What delete says before it stops a unit: a service with a slow stop (squid
// waits out its shutdown_lifetime) keeps delete --force waiting as long as
// the unit's own TimeoutStopSec=, after which systemd kills it. Saying so, with
// the limit, is the difference between a wait and a hang.
export function stopNote(unit: string, activeState: string, timeoutSec: number | undefined): string {
  if (activeState === 'inactive' || activeState === 'failed') return `${unit} is ${activeState}: killing what is left of it`;
  const limit = timeoutSec === undefined ? '(no time limit: TimeoutStopSec=infinity)' : `(up to ${timeoutSec} s, its TimeoutStopSec=, then systemd kills it)`;
  return `Stopping ${unit}: waiting for it to stop ${limit}, then killing what is left of it`;
}
