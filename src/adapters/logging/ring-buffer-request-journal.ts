import type { FinishedRequest, RecordedRequest, RequestJournal } from '../../ports/request-journal.port';
import { redact } from './redact';

const UNSERIALISABLE = '[body not serialisable]';

function stringifyOrUndefined(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

export interface RingBufferRequestJournalOptions {
  /** How many requests are kept; the oldest is dropped first. */
  capacity: number;
  /** Largest body kept whole, as JSON bytes; a larger one keeps only its beginning. */
  maxBodyBytes: number;
  /** Configured secret values, redacted wherever they appear (as in the logs). */
  secrets?: readonly string[];
}

/**
 * The last N requests in process memory, sanitised on the way in with the log redactor: secret
 * field names (`password`, `litellm_key`, ...), bearer tokens, JWT- and key-shaped strings and the
 * configured secrets become `[REDACTED]`; bodies over the cap are cut. Headers are never received.
 */
export class RingBufferRequestJournal implements RequestJournal {
  private readonly entries: (RecordedRequest | undefined)[];
  private next = 0;

  constructor(private readonly options: RingBufferRequestJournalOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new Error('capacity must be a positive integer');
    this.entries = new Array<RecordedRequest | undefined>(options.capacity).fill(undefined);
  }

  get capacity(): number {
    return this.options.capacity;
  }

  record(request: FinishedRequest): void {
    this.entries[this.next] = this.sanitise(request);
    this.next = (this.next + 1) % this.options.capacity;
  }

  list(): RecordedRequest[] {
    const out: RecordedRequest[] = [];
    for (let i = 1; i <= this.options.capacity; i += 1) {
      const entry = this.entries[(this.next - i + this.options.capacity) % this.options.capacity];
      if (entry) out.push(entry);
    }
    return out;
  }

  find(requestId: string): RecordedRequest | undefined {
    return this.list().find((e) => e.request_id === requestId);
  }

  private sanitise(r: FinishedRequest): RecordedRequest {
    const secrets = this.options.secrets ?? [];
    const entry: RecordedRequest = {
      request_id: r.requestId,
      at: new Date(r.startedAtMs).toISOString(),
      method: r.method,
      path: redact(r.path, secrets) as string,
      query: redact(r.query, secrets) as Record<string, unknown>,
      route: r.route ?? null,
      status: r.status,
      duration_ms: r.durationMs,
      user_id: r.userId ?? null,
    };
    if (r.body === undefined) return entry;
    const original = stringifyOrUndefined(r.body);
    const cleaned = redact(r.body, secrets);
    const text = stringifyOrUndefined(cleaned);
    if (original === undefined || text === undefined) {
      // The HTTP layer refuses bodies too deep to serialise; should one get here all the same, the
      // entry is kept without it rather than lost (or thrown out of a response listener).
      entry.body = UNSERIALISABLE;
      entry.body_truncated = true;
      return entry;
    }
    const bytes = Buffer.byteLength(text);
    entry.body_bytes = bytes;
    if (text !== original) entry.body_redacted = true;
    if (bytes <= this.options.maxBodyBytes) entry.body = cleaned;
    else {
      // Cut on a character boundary: a split multi-byte character would show as garbage.
      entry.body = Buffer.from(text)
        .subarray(0, this.options.maxBodyBytes)
        .toString('utf8')
        .replace(/\uFFFD$/, '');
      entry.body_truncated = true;
    }
    return entry;
  }
}
