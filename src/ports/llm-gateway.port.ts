import type { ChatMessage, TokenUsage } from '../domain/chat/chat';
import { token } from './token';

/** OpenAI `response_format`; a `json_schema` schema is passed as given. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null } };

/** The sampling parameters a client may set; each goes to the model proxy as given when set. */
export interface SamplingParams {
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  stop?: string | string[];
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  response_format?: ResponseFormat;
}

/** Every key of SamplingParams, for adapters that copy them into a request. */
export const SAMPLING_PARAM_NAMES = [
  'temperature',
  'max_tokens',
  'top_p',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
] as const satisfies readonly (keyof SamplingParams)[];

/** The sampling parameters set in `source` (undefined and null are unset). */
export function samplingParamsOf(source: { [K in keyof SamplingParams]?: SamplingParams[K] | null }): SamplingParams {
  return Object.fromEntries(
    SAMPLING_PARAM_NAMES.filter((name) => source[name] !== undefined && source[name] !== null).map((name) => [name, source[name]]),
  ) as SamplingParams;
}

export interface CompletionRequest extends SamplingParams {
  model: string;
  messages: ChatMessage[];
  /** The user's own LiteLLM virtual key: LiteLLM tracks spend and budget per key. Never logged. */
  apiKey: string;
  /** The platform user id, sent as OpenAI's `user` field for LiteLLM's spend tracking. */
  endUserId?: string;
  requestId?: string;
}

/** What a streamed completion carries, in order: deltas, then at most one finish and one usage. */
export type StreamEvent =
  { type: 'delta'; content: string } | { type: 'finish'; finish_reason: string } | { type: 'usage'; usage: TokenUsage; cost_usd?: number };

export interface Completion {
  id: string;
  model: string;
  content: string;
  finish_reason: string | null;
  usage: TokenUsage | null;
  cost_usd?: number;
}

/**
 * Chat completions through the model proxy. Failures are AppErrors, before or during a stream:
 * INSUFFICIENT_BALANCE (budget exceeded), MODEL_NOT_ALLOWED, RATE_LIMITED (with retryAfterSeconds),
 * VALIDATION_ERROR (a model the proxy does not know), UPSTREAM_CONTRACT (an answer it cannot read),
 * UPSTREAM_ERROR (a rejected key, an error object mid-stream, a dropped connection),
 * UPSTREAM_TIMEOUT (first token, silence between chunks, overall), UPSTREAM_UNAVAILABLE.
 * A stream never ends silently on a failure. Aborting `signal` closes the upstream request; the
 * call then ends, quietly or with UPSTREAM_UNAVAILABLE `details.cancelled: true`.
 * test/contracts/llm-gateway.contract.ts holds every adapter to this.
 */
export interface LlmGateway {
  /**
   * The events in batches, never empty: those that arrived together (one read of the upstream
   * socket). Every layer above pays its per-step cost once per batch instead of once per token,
   * while each event still reaches the client as its own chunk.
   */
  stream(request: CompletionRequest, signal: AbortSignal): AsyncIterable<StreamEvent[]>;
  complete(request: CompletionRequest, signal: AbortSignal): Promise<Completion>;
}

export const LLM_GATEWAY = token<LlmGateway>('LlmGateway');
