import { token } from './token';
/** One finished request as the service saw it, handed to the journal before any sanitising. */
export interface FinishedRequest {
  requestId: string;
  startedAtMs: number;
  method: string;
  /** The raw path (ids included: this is a debugging aid, not a metric label). */
  path: string;
  query: Record<string, unknown>;
  /** The route template, when a route matched. */
  route?: string;
  status: number;
  durationMs: number;
  userId?: string;
  /** The parsed JSON body, if any. Headers are never handed over, so no Authorization can be kept. */
  body?: unknown;
}

/** A journal entry: sanitised (secrets redacted, body size-capped), safe to show a developer. */
export interface RecordedRequest {
  request_id: string;
  at: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  route: string | null;
  status: number;
  duration_ms: number;
  user_id: string | null;
  /** Absent when the request had no body; a JSON text prefix when `body_truncated`. */
  body?: unknown;
  body_bytes?: number;
  /** The body was over the cap: only its beginning is kept, and it cannot be replayed. */
  body_truncated?: boolean;
  /** Some value looked like a secret and was replaced by `[REDACTED]`. */
  body_redacted?: boolean;
}

/** The last requests of this process, for development (`GET /debug/requests`, `npm run replay`). */
export interface RequestJournal {
  readonly capacity: number;
  record(request: FinishedRequest): void;
  /** Newest first. */
  list(): RecordedRequest[];
  /** The newest entry with this request id. */
  find(requestId: string): RecordedRequest | undefined;
}

export const REQUEST_JOURNAL = token<RequestJournal>('RequestJournal');
