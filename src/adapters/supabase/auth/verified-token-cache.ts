import { createHash } from 'node:crypto';

/** What a verified token says that does not depend on the token's text. */
export interface VerifiedClaims {
  userId: string;
  email: string | undefined;
}

interface Entry extends VerifiedClaims {
  /** Dropped at this time: the earlier of the token's `exp` and the cache's own lifetime. */
  untilMs: number;
}

/**
 * Tokens already verified, for a few seconds: a client streaming chat after chat, or polling a
 * list, sends the same token on every request, and checking its signature, algorithm and claims
 * each time is work the previous request already did. Keyed by a SHA-256 of the token (the
 * token itself is not kept), never past the token's `exp`, bounded in entries (the oldest
 * goes first). Only successes are kept: a refused token is checked again every time.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  static key(token: string): string {
    return createHash('sha256').update(token).digest('base64');
  }

  get(key: string, nowMs: number): VerifiedClaims | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.untilMs <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  put(key: string, claims: VerifiedClaims, expSeconds: number, nowMs: number): void {
    const untilMs = Math.min(expSeconds * 1000, nowMs + this.ttlMs);
    if (untilMs <= nowMs || this.ttlMs <= 0 || this.maxEntries <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { userId: claims.userId, email: claims.email, untilMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
