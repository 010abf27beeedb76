// Progress and notes go to stderr; data stays alone on stdout.
export function note(message: string): void {
  process.stderr.write(message + '\n');
}
