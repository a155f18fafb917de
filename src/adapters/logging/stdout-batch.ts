import type { Writable } from 'node:stream';

/** Flushed at once past this many characters, so a burst never holds much in memory. */
const MAX_PENDING_CHARS = 64 * 1024;

/**
 * Log lines for stdout, written once per event-loop turn instead of once per record. On Linux a
 * write to stdout (a pipe or a file, as under Railway or Docker) is a synchronous system call;
 * under load a turn produces many records (one per finished request, more on errors) and one
 * `write` of all of them costs about what one of them did. Whatever is pending when the process
 * exits is written by the `exit` handler, which runs for `process.exit()` and fatal errors alike.
 */
export class StdoutBatch {
  private pending: string[] = [];
  private chars = 0;
  private scheduled = false;

  constructor(private readonly target: Pick<Writable, 'write'>) {}

  write(line: string): void {
    this.pending.push(line);
    this.chars += line.length;
    if (this.chars >= MAX_PENDING_CHARS) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.chars = 0;
    this.target.write(chunk);
  };
}

let stdoutBatch: StdoutBatch | undefined;

/** The process's one batch for stdout (one `exit` handler, however many loggers write to it). */
export function sharedStdoutBatch(): StdoutBatch {
  if (!stdoutBatch) {
    const batch = new StdoutBatch(process.stdout);
    process.once('exit', batch.flush);
    stdoutBatch = batch;
  }
  return stdoutBatch;
}
