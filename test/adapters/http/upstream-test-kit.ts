import type { Logger } from '../../../src/ports/logger.port';

export { FakeClock as ManualClock } from '../../fakes/fake-clock';
export { rejectionOf } from '../../support/async';

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

/**
 * A reset connection for nock's `replyWithError`. It must be an Error instance: nock 14 given a
 * plain `{code}` object never fails the request, which then only ends at the client's timeout.
 */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}
