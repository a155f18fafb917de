import type { TokenUsage } from '../../domain/chat/chat';
import { AppError } from '../../domain/errors/app-error';
import type { Completion, CompletionRequest } from '../../ports/llm-gateway.port';
import { streamErrorObject } from './litellm-errors';
import { SseEventTooLargeError, type SseEvent, type SseParser } from './sse-parser';

/** A chat chunk is a few hundred bytes; an event this long is an upstream that never ends one. */
export const MAX_STREAM_EVENT_CHARS = 1024 * 1024;

/** The parts of LiteLLM's OpenAI-shaped chunks and completions the gateway reads (docs/upstreams/litellm.md). */
interface ChunkChoice {
  delta?: { content?: unknown } | null;
  message?: { content?: unknown } | null;
  finish_reason?: unknown;
}

export interface ChunkJson {
  id?: unknown;
  model?: unknown;
  choices?: ChunkChoice[] | null;
  usage?: unknown;
  error?: unknown;
}

export function toUsage(value: unknown): TokenUsage | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const u = value as Record<string, unknown>;
  const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
  const prompt = num(u.prompt_tokens);
  const completion = num(u.completion_tokens);
  const total = typeof u.total_tokens === 'number' && Number.isFinite(u.total_tokens) ? u.total_tokens : prompt + completion;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total };
}

export function contractError(message: string): AppError {
  return new AppError('UPSTREAM_CONTRACT', message, { details: { upstream: 'litellm' } });
}

/** The events completed by the next read of the body; an oversized event is the upstream breaking the contract. */
export function parseNext(parser: SseParser, next: IteratorResult<Buffer>): SseEvent[] {
  try {
    return next.done ? parser.end() : parser.push(next.value);
  } catch (err) {
    if (err instanceof SseEventTooLargeError) {
      throw contractError(`The model stream sent an event longer than ${err.limitChars} characters`);
    }
    throw err;
  }
}

/** One SSE `data:` of a stream: a chunk, or the error the proxy sent in its place. */
export function parseChunk(data: string, event: string, apiKey: string): ChunkJson {
  let chunk: ChunkJson;
  try {
    chunk = JSON.parse(data) as ChunkJson;
  } catch {
    if (event === 'error') throw streamErrorObject({ message: data }, apiKey);
    throw contractError('The model stream sent a chunk that is not JSON');
  }
  if (chunk === null || typeof chunk !== 'object') throw contractError('The model stream sent a chunk that is not an object');
  if (chunk.error !== undefined && chunk.error !== null) throw streamErrorObject(chunk.error, apiKey);
  if (event === 'error') throw streamErrorObject(chunk, apiKey);
  return chunk;
}

/** A non-streaming answer, checked: an answer that is not a completion is a contract error. */
export function toCompletion(data: unknown, request: CompletionRequest, cost: number | undefined): Completion {
  if (data === null || typeof data !== 'object') throw contractError('The model proxy answered with a body that is not a completion');
  const body = data as ChunkJson;
  const choice = body.choices?.[0];
  if (!choice) throw contractError('The model proxy answered without a choice');
  const content = choice.message?.content;
  if (content !== undefined && content !== null && typeof content !== 'string') {
    throw contractError('The model proxy answered with a non-text message');
  }
  return {
    id: typeof body.id === 'string' ? body.id : '',
    model: typeof body.model === 'string' ? body.model : request.model,
    content: content ?? '',
    finish_reason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
    usage: toUsage(body.usage) ?? null,
    ...(cost === undefined ? {} : { cost_usd: cost }),
  };
}
