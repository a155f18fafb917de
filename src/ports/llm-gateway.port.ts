import type { ChatMessage, TokenUsage } from '../domain/chat/chat';
import { token } from './token';

export interface CompletionRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  max_tokens?: number;
  /** The user's own LiteLLM virtual key: LiteLLM tracks spend and budget per key. Never logged. */
  apiKey: string;
  /** The platform user id, sent as OpenAI's `user` field for LiteLLM's spend tracking. */
  endUserId?: string;
  requestId?: string;
}

/** What a streamed completion yields, in order: deltas, then at most one finish and one usage. */
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
  stream(request: CompletionRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
  complete(request: CompletionRequest, signal: AbortSignal): Promise<Completion>;
}

export const LLM_GATEWAY = token<LlmGateway>('LlmGateway');
