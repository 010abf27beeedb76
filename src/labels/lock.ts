// The registry lock. Node has no flock(), so the kernel lock is held by a child:
// one `sh` per lock file and process opens the file on its fd 9 and, for each
// hold, runs util-linux `flock` on that fd (a process the shell starts costs
// far less than one Node starts: a batch takes the lock twice per sandbox).
// The shell reads our requests on its stdin; if we are SIGKILLed the kernel
// closes that pipe, the shell exits and the lock goes with its descriptor.
// Nothing is ever judged stale by a time-out or a PID guess: the kernel owns
// the lock's lifetime.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { UnavailableError } from '../errors.js';

// sh named, not -c of $SHELL: bash with a socket on stdin sources ~/.bashrc.
/** A holder unused this long goes (a batch takes the lock every few ms). */
const IDLE_MS = 2000;
// The file is opened again for each hold: a lock file made anew meanwhile is the one locked.
const HOLDER = `while IFS= read -r op; do
  case $op in
    unlock) exec 9>&- && echo unlocked ;;
    *) if exec 9>>"$1" && flock --exclusive --timeout "$op" 9; then echo locked; else echo "failed $?"; exec 9>&-; fi ;;
  esac
done`;

/** One shell holding the lock file open; holds are queued so that one process never holds twice at once. */
class Holder {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: ((line: string) => void)[] = [];
  private out = '';
  private err = '';
  private gone: string | undefined;
  /** The end of the last hold asked for in this process. */
  private queue: Promise<void> = Promise.resolve();
  private holds = 0;
  private idle: NodeJS.Timeout | undefined;

  constructor(readonly file: string) {
    this.child = spawn('sh', ['-c', HOLDER, 'sh', file], { stdio: ['pipe', 'pipe', 'pipe'] });
    // Between holds it does not keep this process alive; when this process ends, its stdin closes and it goes.
    this.keepAlive(false);
    this.child.stdin.on('error', () => undefined);
    this.child.stdout.on('data', (d: Buffer) => {
      this.out += d.toString();
      let nl: number;
      while ((nl = this.out.indexOf('\n')) >= 0) {
        const line = this.out.slice(0, nl);
        this.out = this.out.slice(nl + 1);
        this.replies.shift()?.(line);
      }
    });
    this.child.stderr.on('data', (d: Buffer) => (this.err += d.toString()));
    const end = (why: string) => {
      this.gone ??= why;
      this.forget();
      for (const r of this.replies.splice(0)) r(`gone ${why}`);
    };
    this.child.on('error', (e) => end(e.message));
    this.child.on('close', (code) => end(`exited ${code}${this.err ? `: ${this.err.trim()}` : ''}`));
  }

  private forget(): void {
    if (holders.get(this.file) === this) holders.delete(this.file);
  }

  private keepAlive(on: boolean): void {
    for (const h of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as unknown as { ref?: () => void; unref?: () => void }[]) {
      if (on) h.ref?.();
      else h.unref?.();
    }
  }

  private ask(line: string): Promise<string> {
    if (this.gone) return Promise.resolve(`gone ${this.gone}`);
    return new Promise((resolve) => {
      this.replies.push(resolve);
      this.child.stdin.write(line + '\n');
    });
  }

  async with<T>(fn: () => Promise<T>, timeoutSeconds: number): Promise<T> {
    const before = this.queue;
    let done!: () => void;
    this.queue = new Promise((r) => (done = r));
    this.holds++;
    clearTimeout(this.idle);
    try {
      await waitTurn(before, timeoutSeconds, this.file);
      this.keepAlive(true);
      try {
        const reply = await this.ask(String(timeoutSeconds));
        if (reply !== 'locked') throw new UnavailableError(lockFailure(this.file, timeoutSeconds, reply));
        try {
          return await fn();
        } finally {
          // Answered once the descriptor is closed: when withLock returns, another process can take the lock.
          await this.ask('unlock');
        }
      } finally {
        this.keepAlive(false);
      }
    } finally {
      done();
      if (--this.holds === 0) this.idle = setTimeout(() => this.close(), IDLE_MS).unref();
    }
  }

  /** Ends the shell: a process that stopped taking the lock does not keep one around. */
  private close(): void {
    if (this.holds > 0) return;
    this.forget();
    this.gone ??= 'closed';
    this.child.stdin.end();
  }
}

function lockFailure(file: string, timeoutSeconds: number, reply: string): string {
  if (reply === 'failed 1') return `could not lock ${file} within ${timeoutSeconds}s: another sandbox command holds it`;
  const why = reply.startsWith('gone ') ? `its holder ${reply.slice(5)}` : `flock ${reply.replace('failed', 'exited')}`;
  return `could not lock ${file} (${why}; flock from util-linux is needed)`;
}

/** This process's earlier hold ends first; waiting on it counts against the same timeout. */
async function waitTurn(before: Promise<void>, timeoutSeconds: number, file: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnavailableError(`could not lock ${file} within ${timeoutSeconds}s (held by this process)`)), timeoutSeconds * 1000);
    timer.unref();
  });
  try {
    await Promise.race([before, late]);
  } finally {
    clearTimeout(timer);
  }
}

const holders = new Map<string, Holder>();

export async function withLock<T>(lockFile: string, fn: () => Promise<T>, timeoutSeconds = 60): Promise<T> {
  const h = holders.get(lockFile) ?? holders.set(lockFile, new Holder(lockFile)).get(lockFile)!;
  return h.with(fn, timeoutSeconds);
}
