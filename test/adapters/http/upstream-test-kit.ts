import type { Logger } from '../../../src/ports/logger.port';
import type { Clock } from '../../../src/ports/clock.port';

/** A clock that only moves when the test says so (breaker windows, Retry-After dates). */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 0, 1, 12, 0, 0)) {}

  nowMs(): number {
    return this.ms;
  }

  now(): Date {
    return new Date(this.ms);
  }

  advanceMs(ms: number): void {
    this.ms += ms;
  }
}

export interface LogEntry {
  level: string;
  fields: object;
  msg?: string;
}

/**
 * Keeps every call unredacted, so a test can prove the code itself never logs a secret (the bunyan
 * adapter would hide such a leak behind its own redaction).
 */
export class RecordingLogger implements Logger {
  constructor(readonly entries: LogEntry[] = []) {}

  trace(fields: object, msg?: string): void {
    this.entries.push({ level: 'trace', fields, msg });
  }
  debug(fields: object, msg?: string): void {
    this.entries.push({ level: 'debug', fields, msg });
  }
  info(fields: object, msg?: string): void {
    this.entries.push({ level: 'info', fields, msg });
  }
  warn(fields: object, msg?: string): void {
    this.entries.push({ level: 'warn', fields, msg });
  }
  error(fields: object, msg?: string): void {
    this.entries.push({ level: 'error', fields, msg });
  }
  child(fields: object): Logger {
    const log =
      (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') =>
      (extra: object, msg?: string): void => {
        this.entries.push({ level, fields: { ...fields, ...extra }, msg });
      };
    return {
      trace: log('trace'),
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (more) => this.child({ ...fields, ...more }),
    };
  }

  text(): string {
    return JSON.stringify(this.entries);
  }
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/**
 * A reset connection for nock's `replyWithError`. It must be an Error instance: nock 14 given a
 * plain `{code}` object never fails the request, which then only ends at the client's timeout.
 */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}
