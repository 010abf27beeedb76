/** JSON for --json: BigInt becomes a number (or a string when too large), stable 2-space layout. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => (typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v),
    2,
  );
}

export function printJson(value: unknown): void {
  process.stdout.write(toJson(value) + '\n');
}
