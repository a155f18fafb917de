import axios, { type AxiosInstance } from 'axios';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { AppError } from '../../../domain/errors/app-error';
import type { Clock } from '../../../ports/clock.port';
import type { Logger } from '../../../ports/logger.port';

export interface JwksKeyStoreOptions {
  url: string;
  cacheSeconds: number;
  refetchIntervalSeconds: number;
  timeoutMs: number;
}

interface Jwk {
  kid?: string;
  kty?: string;
  alg?: string;
  use?: string;
  [k: string]: unknown;
}

/**
 * The project's public signing keys from its JWKS, cached at most `cacheSeconds` (Supabase itself
 * caches 10 minutes). An unknown `kid` triggers a refetch, at most once per `refetchIntervalSeconds`,
 * so a flood of forged kids cannot turn into a flood of upstream calls.
 */
export class JwksKeyStore {
  private keys = new Map<string, { key: KeyObject; kty: string }>();
  private fetchedAt = -Infinity;
  private lastForcedAt = -Infinity;
  private inflight: Promise<void> | undefined;
  private readonly http: AxiosInstance;

  constructor(
    private readonly options: JwksKeyStoreOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    http?: AxiosInstance,
  ) {
    this.http = http ?? axios.create({ timeout: options.timeoutMs });
  }

  async getKey(kid: string): Promise<{ key: KeyObject; kty: string } | undefined> {
    const now = this.clock.nowMs();
    // Just fetched for an expired cache: the document is as fresh as a forced refetch would make it.
    let justFetched = false;
    if (now - this.fetchedAt > this.options.cacheSeconds * 1000) {
      await this.refresh();
      justFetched = true;
    }
    const found = this.keys.get(kid);
    if (found) return found;
    if (!justFetched && this.clock.nowMs() - this.lastForcedAt >= this.options.refetchIntervalSeconds * 1000) {
      this.lastForcedAt = this.clock.nowMs();
      await this.refresh();
      return this.keys.get(kid);
    }
    return undefined;
  }

  private refresh(): Promise<void> {
    // Concurrent requests share one fetch.
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetch(): Promise<void> {
    let body: unknown;
    try {
      const res = await this.http.get(this.options.url, { validateStatus: (s) => s === 200 });
      body = res.data;
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message }, url: this.options.url }, 'JWKS fetch failed');
      // Keep serving the keys we have: a short outage must not log everyone out.
      if (this.keys.size > 0) return;
      throw new AppError('UPSTREAM_UNAVAILABLE', 'Signing keys are unavailable; try again shortly', {
        retryAfterSeconds: 5,
      });
    }
    const list = (body as { keys?: unknown })?.keys;
    if (!Array.isArray(list)) {
      if (this.keys.size > 0) return;
      throw new AppError('UPSTREAM_CONTRACT', 'The JWKS document has no keys array');
    }
    const next = new Map<string, { key: KeyObject; kty: string }>();
    for (const jwk of list as Jwk[]) {
      if (!jwk || typeof jwk.kid !== 'string' || (jwk.kty !== 'EC' && jwk.kty !== 'RSA')) continue;
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      try {
        next.set(jwk.kid, { key: createPublicKey({ key: jwk as never, format: 'jwk' }), kty: jwk.kty });
      } catch {
        this.logger.warn({ kid: jwk.kid }, 'JWKS entry is not a usable public key; skipped');
      }
    }
    this.keys = next;
    this.fetchedAt = this.clock.nowMs();
  }
}
