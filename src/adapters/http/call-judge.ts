import axios, { type AxiosError } from 'axios';
import { AppError } from '../../domain/errors/app-error';
import type { Clock } from '../../ports/clock.port';
import type { Logger } from '../../ports/logger.port';
import type { BreakerPermit } from './circuit-breaker';
import { isOversized, isTimeout } from './retry-policy';
import type { CallOutcome, UpstreamObserver } from './upstream-observer';

const NETWORK_DOWN = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_SOCKET_CLOSED',
]);

/**
 * The reason to give `AbortController.abort()` when the owner of a call ends it for taking too long
 * (e.g. a stream's first-token deadline): the breaker counts it as a failure, not a cancellation.
 */
export class UpstreamDeadline extends Error {
  constructor(what: string) {
    super(`deadline: ${what}`);
    this.name = 'UpstreamDeadline';
  }
}

/** One call in flight: what its verdict is reported with. */
export interface UpstreamCall {
  operation: string;
  started: number;
  requestId: string | undefined;
  permit: BreakerPermit;
}

/**
 * What one upstream call's ending means, told to the breaker (through the call's permit), the
 * metrics and the log; a call without an HTTP answer also becomes the AppError its caller throws.
 */
export class CallJudge {
  constructor(
    private readonly name: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly observer: UpstreamObserver,
  ) {}

  /** An HTTP answer. A held 2xx stays pending: its owner judges it later (a stream at its first token). */
  answered(call: UpstreamCall, status: number, hold: boolean): void {
    const durationMs = this.clock.monotonicMs() - call.started;
    let outcome: CallOutcome = 'success';
    if (status >= 500 || status === 429) {
      outcome = 'server_error';
      call.permit.failure();
    } else if (status >= 400) {
      outcome = 'client_error';
      call.permit.answered();
    } else if (!hold) call.permit.success();
    this.observer.call(this.name, call.operation, outcome, durationMs);
    const fields = { upstream: this.name, operation: call.operation, status, duration_ms: durationMs, request_id: call.requestId };
    // The request's own record (at info) tells what happened; each upstream call is detail.
    if (status >= 500) this.logger.warn(fields, 'upstream call');
    else this.logger.debug(fields, 'upstream call');
  }

  /** A call that got no HTTP answer: timeout, refused or reset connection, cancellation, an oversized body. */
  noAnswer(call: UpstreamCall, err: AxiosError | Error, signal: AbortSignal | undefined): AppError {
    const durationMs = this.clock.monotonicMs() - call.started;
    const fields = { upstream: this.name, operation: call.operation, duration_ms: durationMs, request_id: call.requestId };
    const code = (err as AxiosError).code;
    const cancelled = axios.isCancel(err) || code === 'ERR_CANCELED';
    // The owner's own deadline (UpstreamDeadline) is the upstream being too slow, not a caller leaving.
    const deadline = cancelled && signal?.reason instanceof UpstreamDeadline;
    if (cancelled && !deadline) {
      call.permit.cancelled();
      this.logger.debug(fields, 'upstream call cancelled');
      return new AppError('UPSTREAM_UNAVAILABLE', 'The request was cancelled', { details: { upstream: this.name, cancelled: true } });
    }
    if (isOversized(err as AxiosError)) {
      // It answered, so it is up; what it sent breaks the contract.
      call.permit.answered();
      this.observer.call(this.name, call.operation, 'server_error', durationMs);
      this.logger.warn({ ...fields, error: 'response_too_large' }, 'upstream answer too large');
      return new AppError('UPSTREAM_CONTRACT', `${this.name} sent an answer larger than the gateway reads`, {
        details: { upstream: this.name, reason: 'response_too_large' },
      });
    }
    call.permit.failure();
    const timeout = deadline || isTimeout(err as AxiosError);
    this.observer.call(this.name, call.operation, timeout ? 'timeout' : 'network_error', durationMs);
    this.logger.warn({ ...fields, error: deadline ? 'deadline' : (code ?? err.message) }, 'upstream call failed');
    if (timeout) {
      return new AppError('UPSTREAM_TIMEOUT', `${this.name} did not answer in time`, { details: { upstream: this.name } });
    }
    return new AppError('UPSTREAM_UNAVAILABLE', `${this.name} is unreachable`, {
      retryAfterSeconds: 5,
      details: { upstream: this.name, reason: code && NETWORK_DOWN.has(code) ? code : 'network_error' },
    });
  }
}
