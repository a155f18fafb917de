import { token } from './token';
/**
 * The structured logger the inner layers may use. The shape is bunyan's, so the adapter is the
 * bunyan logger itself; fields are an object first, the message second.
 */
export interface Logger {
  trace(fields: object, msg?: string): void;
  debug(fields: object, msg?: string): void;
  info(fields: object, msg?: string): void;
  warn(fields: object, msg?: string): void;
  error(fields: object, msg?: string): void;
  child(fields: object): Logger;
}

export const LOGGER = token<Logger>('Logger');
/** The audit log: security events only (auth failures, rate-limit hits, batch deletes, profile changes). */
export const AUDIT_LOGGER = token<Logger>('AuditLogger');
