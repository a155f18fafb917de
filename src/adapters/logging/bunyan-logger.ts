import bunyan from 'bunyan';
import type { Writable } from 'node:stream';
import type { Logger } from '../../ports/logger.port';
import { redactedJson } from './redact';
import { sharedStdoutBatch } from './stdout-batch';

export interface LoggerOptions {
  level: bunyan.LogLevelString;
  /** Where JSON lines go; stdout (batched per event-loop turn) by default. Tests pass a collecting stream. */
  stream?: Pick<Writable, 'write'>;
  secrets?: readonly string[];
}

/**
 * bunyan with a raw stream that redacts every record as it is serialised, so no code path (an
 * error message quoting a header, an upstream body echoing a key) can leak a secret.
 */
export function createLogger(name: string, options: LoggerOptions): Logger & bunyan {
  const target = options.stream ?? sharedStdoutBatch();
  const secrets = options.secrets ?? [];
  const stream = {
    write(record: object): void {
      target.write(`${redactedJson(record, secrets)}\n`);
    },
  };
  return bunyan.createLogger({
    name,
    level: options.level,
    serializers: { err: bunyan.stdSerializers.err },
    streams: [{ type: 'raw', stream, level: options.level }],
  });
}
