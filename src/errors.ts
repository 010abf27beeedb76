// Expected failures carry an exit code and print as one line (npm's EUSAGE,
// execa's style). Anything that is not a SandboxError is a bug and keeps its stack.

export const ExitCode = {
  ok: 0,
  failure: 1, // the operation itself failed (a unit did not start, a copy failed)
  usage: 2, // bad command line or bad input
  notFound: 3, // a sandbox, unit or package that does not exist
  conflict: 4, // already exists, already held, running when it must not be
  unavailable: 5, // something the tool needs is missing: root, systemd, a package manager
  interrupted: 130, // SIGINT during create: rolled back (128 + 2, as a shell reports it)
  terminated: 143, // SIGTERM during create: rolled back (128 + 15)
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class SandboxError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.failure,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends SandboxError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

export class NotFoundError extends SandboxError {
  constructor(message: string) {
    super(message, ExitCode.notFound);
  }
}

export class ConflictError extends SandboxError {
  constructor(message: string) {
    super(message, ExitCode.conflict);
  }
}

export class UnavailableError extends SandboxError {
  constructor(message: string) {
    super(message, ExitCode.unavailable);
  }
}

/** Control characters as escapes (\n, \t, \u001b): a message quoting a hostile value stays one line and prints none. */
export function escapeControls(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** A value from the command line or a file, quoted for a one-line message. */
export function shown(value: string): string {
  return `'${escapeControls(value)}'`;
}

export function isSandboxError(e: unknown): e is SandboxError {
  return e instanceof SandboxError;
}
