import type { Logger } from '../../src/ports/logger.port';

export interface LoggedRecord {
  level: string;
  fields: object;
  msg?: string;
}

/**
 * A Logger that keeps what callers handed it, before any redaction: tests assert that a secret
 * never reached the logger at all.
 */
export class RecordingLogger implements Logger {
  constructor(
    readonly records: LoggedRecord[] = [],
    private readonly bound: object = {},
  ) {}

  trace(fields: object, msg?: string): void {
    this.add('trace', fields, msg);
  }
  debug(fields: object, msg?: string): void {
    this.add('debug', fields, msg);
  }
  info(fields: object, msg?: string): void {
    this.add('info', fields, msg);
  }
  warn(fields: object, msg?: string): void {
    this.add('warn', fields, msg);
  }
  error(fields: object, msg?: string): void {
    this.add('error', fields, msg);
  }
  child(fields: object): Logger {
    return new RecordingLogger(this.records, { ...this.bound, ...fields });
  }

  text(): string {
    return JSON.stringify(this.records);
  }

  private add(level: string, fields: object, msg?: string): void {
    this.records.push({ level, fields: { ...this.bound, ...fields }, msg });
  }
}
