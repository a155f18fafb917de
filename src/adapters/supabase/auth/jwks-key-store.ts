import axios, { type AxiosInstance } from 'axios';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { AppError } from '../../../domain/errors/app-error';
import type { Clock } from '../../../ports/clock.port';
import type { Logger } from '../../../ports/logger.port';

export interface JwksKeyStoreOptions {
  url: string;
  cacheSeconds: number;
  refetchIntervalSeconds: number;
  /** After a failed fetch the last keys are still used for this long after their own fetch, then dropped. */
  maxStaleSeconds?: number;
  timeoutMs: number;
}

interface Jwk {
  kid?: string;
  kty?: string;
  alg?: string;
  use?: string;
  [k: string]: unknown;
}

export interface JwksKey {
  key: KeyObject;
  kty: string;
}

/** A JWKS is a few kilobytes; an endpoint sending more is not read to the end. */
const MAX_JWKS_BYTES = 1024 * 1024;
/** Backoff after failed fetches: 1 s, 2 s, 4 s ... at most a minute between two attempts. */
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
const DEFAULT_MAX_STALE_SECONDS = 3600;

/**
 * The project's public signing keys from its JWKS, cached at most `cacheSeconds` (Supabase itself
 * caches 10 minutes). An unknown `kid` triggers a refetch, at most once per `refetchIntervalSeconds`,
 * so a flood of forged kids cannot turn into a flood of upstream calls. One fetch at a time,
 * shared by every caller.
 *
 * A failed fetch starts an outage: attempts back off (1 s doubling to 60 s) and no caller waits on
 * one any more: each answers at once from the keys it has (a known `kid` passes, an unknown one is
 * a 401), while an attempt runs in the background when the backoff allows. Keys are kept at most
 * `maxStaleSeconds` after the fetch that brought them; with none left, callers get a fast 503.
 * (`jose`'s remote key set has no memory of failure: every miss refetches, and it keeps no stale
 * keys through an outage.)
 */
export class JwksKeyStore {
  private keys = new Map<string, JwksKey>();
  private fetchedAt = -Infinity;
  private lastForcedAt = -Infinity;
  /** Consecutive failed fetches; 0 while the endpoint is healthy. */
  private failures = 0;
  private nextAttemptAt = -Infinity;
  private lastFailure: AppError | undefined;
  private inflight: Promise<void> | undefined;
  private readonly http: AxiosInstance;

  constructor(
    private readonly options: JwksKeyStoreOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    http?: AxiosInstance,
  ) {
    this.http = http ?? axios.create({ timeout: options.timeoutMs, maxContentLength: MAX_JWKS_BYTES });
  }

  /** The key of `kid`, undefined when it is unknown (a 401), or a 503 AppError when no key is available at all. */
  async getKey(kid: string): Promise<JwksKey | undefined> {
    this.dropStaleKeys();
    if (this.failures > 0) return this.duringOutage(kid);
    const now = this.clock.nowMs();
    // Just fetched for an expired cache: the document is as fresh as a forced refetch would make it.
    let justFetched = false;
    if (now - this.fetchedAt > this.options.cacheSeconds * 1000) {
      await this.refresh();
      justFetched = true;
    }
    const found = this.keys.get(kid);
    if (found) return found;
    if (!justFetched && this.failures === 0 && this.mayForceRefetch()) {
      this.lastForcedAt = this.clock.nowMs();
      await this.refresh();
    }
    return this.answer(kid);
  }

  /** Never waits on the endpoint: the keys at hand answer, and an attempt goes out in the background. */
  private duringOutage(kid: string): JwksKey | undefined {
    const now = this.clock.nowMs();
    const expired = now - this.fetchedAt > this.options.cacheSeconds * 1000;
    const unknown = !this.keys.has(kid);
    if (now >= this.nextAttemptAt && (expired || (unknown && this.mayForceRefetch()))) {
      if (unknown && !expired) this.lastForcedAt = now;
      void this.refresh();
    }
    return this.answer(kid);
  }

  /** Resolves once no fetch is in flight (a background attempt included). */
  async whenIdle(): Promise<void> {
    while (this.inflight) await this.inflight;
  }

  private answer(kid: string): JwksKey | undefined {
    const found = this.keys.get(kid);
    if (found) return found;
    if (this.keys.size === 0 && this.lastFailure) {
      const wait = Math.max(1, Math.ceil((this.nextAttemptAt - this.clock.nowMs()) / 1000));
      throw new AppError(this.lastFailure.code, this.lastFailure.message, { retryAfterSeconds: wait });
    }
    return undefined;
  }

  private mayForceRefetch(): boolean {
    return this.clock.nowMs() - this.lastForcedAt >= this.options.refetchIntervalSeconds * 1000;
  }

  private dropStaleKeys(): void {
    if (this.keys.size === 0) return;
    const maxStaleMs = (this.options.maxStaleSeconds ?? DEFAULT_MAX_STALE_SECONDS) * 1000;
    if (this.clock.nowMs() - this.fetchedAt <= Math.max(maxStaleMs, this.options.cacheSeconds * 1000)) return;
    this.logger.warn(
      { url: this.options.url, keys: this.keys.size },
      'JWKS keys dropped: the endpoint has not answered since they expired',
    );
    this.keys = new Map();
  }

  /** Concurrent callers share one fetch. Never rejects: the outcome is in the store's state. */
  private refresh(): Promise<void> {
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetch(): Promise<void> {
    let list: unknown;
    try {
      const res = await this.http.get(this.options.url, { validateStatus: (s) => s === 200 });
      list = (res.data as { keys?: unknown } | null)?.keys;
    } catch (err) {
      this.failed(new AppError('UPSTREAM_UNAVAILABLE', 'Signing keys are unavailable; try again shortly'), (err as Error).message);
      return;
    }
    if (!Array.isArray(list)) {
      this.failed(new AppError('UPSTREAM_CONTRACT', 'The JWKS document has no keys array'), 'no keys array');
      return;
    }
    this.keys = this.parse(list as Jwk[]);
    this.fetchedAt = this.clock.nowMs();
    if (this.failures > 0) this.logger.info({ url: this.options.url, failures: this.failures }, 'JWKS reachable again');
    this.failures = 0;
    this.lastFailure = undefined;
    this.nextAttemptAt = -Infinity;
  }

  private failed(error: AppError, reason: string): void {
    this.failures += 1;
    this.lastFailure = error;
    const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(this.failures - 1, 16));
    this.nextAttemptAt = this.clock.nowMs() + backoff;
    // Keep serving the keys we have (within their bound): a short outage must not log everyone out.
    this.logger.warn(
      { err: { message: reason }, url: this.options.url, failures: this.failures, retry_in_ms: backoff, keys: this.keys.size },
      'JWKS fetch failed',
    );
  }

  private parse(list: Jwk[]): Map<string, JwksKey> {
    const next = new Map<string, JwksKey>();
    for (const jwk of list) {
      if (!jwk || typeof jwk.kid !== 'string' || (jwk.kty !== 'EC' && jwk.kty !== 'RSA')) continue;
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      try {
        next.set(jwk.kid, { key: createPublicKey({ key: jwk as never, format: 'jwk' }), kty: jwk.kty });
      } catch {
        this.logger.warn({ kid: jwk.kid }, 'JWKS entry is not a usable public key; skipped');
      }
    }
    return next;
  }
}
