import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { token } from '../../ports/token';

export interface DeleteConfirmationOptions {
  /** HMAC key; the same on every replica, never logged or returned. */
  secret: string;
  /** How long a token stays valid after it was issued. */
  ttlSeconds: number;
}

export const DELETE_CONFIRMATION_OPTIONS = token<DeleteConfirmationOptions>('DeleteConfirmationOptions');

export type TokenCheck = { ok: true } | { ok: false; reason: 'malformed' | 'expired' | 'mismatch' };

const VERSION = 'v1';

function mac(secret: string, userId: string, expires: number, nonce: string, ids: readonly string[]): Buffer {
  // The id set is sorted and lower-cased: the same conversations in another order are the same set.
  const set = [...ids].map((id) => id.toLowerCase()).sort();
  return createHmac('sha256', secret)
    .update(['batch-delete', VERSION, userId.toLowerCase(), String(expires), nonce, set.join(',')].join('\n'))
    .digest();
}

/**
 * Confirmation tokens of mass deletion: `v1.<expiry, epoch seconds>.<nonce>.<HMAC>`, the HMAC
 * binding the user, the exact id set and the expiry. Stateless, so any replica can check a token
 * another issued; a token for other ids, another user, or past its expiry is refused. It proves
 * the user was shown what the ids delete; it carries no authority beyond the caller's own JWT.
 */
export class DeleteConfirmation {
  constructor(private readonly options: DeleteConfirmationOptions) {}

  issue(userId: string, ids: readonly string[], nowMs: number): { token: string; expiresAt: string } {
    const expires = Math.floor(nowMs / 1000) + this.options.ttlSeconds;
    const nonce = randomBytes(9).toString('base64url');
    const signature = mac(this.options.secret, userId, expires, nonce, ids).toString('base64url');
    return { token: `${VERSION}.${expires}.${nonce}.${signature}`, expiresAt: new Date(expires * 1000).toISOString() };
  }

  check(token: string, userId: string, ids: readonly string[], nowMs: number): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION || !/^\d{1,12}$/.test(parts[1] ?? '')) return { ok: false, reason: 'malformed' };
    const [, expiresText, nonce, signature] = parts as [string, string, string, string];
    // Compared as text: decoding base64 first would accept variants that differ in unused bits.
    const expected = Buffer.from(mac(this.options.secret, userId, Number(expiresText), nonce, ids).toString('base64url'));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'mismatch' };
    if (Number(expiresText) * 1000 <= nowMs) return { ok: false, reason: 'expired' };
    return { ok: true };
  }
}
