import type { StreamEvent } from '../../ports/llm-gateway.port';
import type { CompletionLog } from './completion-log';
import { parseChunk, toUsage } from './litellm-chunks';
import type { SseEvent } from './sse-parser';

/** What one read of the upstream body gave: its events, and whether `[DONE]` or a broken chunk ended it. */
export interface ReadBatch {
  events: StreamEvent[];
  done: boolean;
  /** A chunk that could not be read, after the good ones before it (which still go up first). */
  broken?: unknown;
}

/**
 * Turns the SSE events of one read into the port's events: deltas, then at most one finish and one
 * usage for the whole stream, and keeps the completion log's figures. Only what the gateway uses is
 * read from each chunk (its delta, finish reason, usage, error).
 */
export class StreamBatcher {
  private finished = false;
  private usageSent = false;

  constructor(
    private readonly apiKey: string,
    private readonly cost: number | undefined,
    private readonly log: CompletionLog,
    private readonly sinceStartMs: () => number,
  ) {}

  read(sse: SseEvent[]): ReadBatch {
    const events: StreamEvent[] = [];
    try {
      for (const ev of sse) {
        if (ev.data === '[DONE]') return { events, done: true };
        this.add(ev, events);
      }
    } catch (err) {
      return { events, done: false, broken: err };
    }
    return { events, done: false };
  }

  private add(ev: SseEvent, events: StreamEvent[]): void {
    const chunk = parseChunk(ev.data, ev.event, this.apiKey);
    const choice = chunk.choices?.[0];
    const content = choice?.delta?.content;
    const log = this.log;
    if (typeof content === 'string' && content.length > 0) {
      if (log.ttftMs === undefined) log.ttftMs = this.sinceStartMs();
      log.completionChars += content.length;
      events.push({ type: 'delta', content });
    }
    const reason = choice?.finish_reason;
    if (!this.finished && typeof reason === 'string' && reason.length > 0) {
      this.finished = true;
      log.finishReason = reason;
      events.push({ type: 'finish', finish_reason: reason });
    }
    // LiteLLM sends usage with a non-empty `choices` at times: the `usage` field decides.
    const usage = chunk.usage == null ? undefined : toUsage(chunk.usage);
    if (usage && !this.usageSent) {
      this.usageSent = true;
      log.usage = usage;
      log.costUsd = this.cost;
      events.push(this.cost === undefined ? { type: 'usage', usage } : { type: 'usage', usage, cost_usd: this.cost });
    }
  }
}
