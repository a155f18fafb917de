// Following a reply across dropped connections and page reloads, with a Stop button that works from any tab.
import type { ChatCompletionChunk, ChatStreamError, StopResult, StreamSummary } from '../../clients/typescript';
import { GatewayError, gatewayErrorOf, type Gateway } from './gateway-api';
import { sseEvents, type ChatRequest, type StreamHandlers } from './stream-chat';

export interface FollowedReply {
  streamId: string;
  conversationId?: string;
  content: string;
  finishReason: string | null;
  /** The turn was stopped (Stop button, here or in another tab) before the model finished. */
  stopped: boolean;
  /** The stored reply (absent when the turn was stopped: reload the conversation to see it). */
  assistantMessageId?: string;
}

export interface FollowOptions {
  /** Reconnections tried after a dropped connection before giving up. */
  retries?: number;
  /** Called once the stream id is known: keep it for the Stop button. */
  onStream?(streamId: string): void;
}

interface TurnState {
  streamId: string;
  conversationId?: string;
  lastEventId?: string;
  content: string;
  finishReason: string | null;
  stopped: boolean;
  assistantMessageId?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads one response of the turn into `state`. True once `[DONE]` arrived; false when the
 * connection dropped first (then resume after `state.lastEventId`).
 */
async function readInto(response: Response, state: TurnState, handlers: StreamHandlers): Promise<boolean> {
  if (!response.body) return false;
  try {
    for await (const event of sseEvents(response.body)) {
      if (event.data === '[DONE]') return true;
      if (event.id !== undefined) state.lastEventId = event.id;
      const chunk = JSON.parse(event.data) as (ChatCompletionChunk & { stopped?: { reason: string } }) | ChatStreamError;
      if ('error' in chunk) {
        // STREAM_INTERRUPTED (the server producing the reply died) and others: the text so far is saved.
        throw new GatewayError({
          status: response.status,
          code: chunk.error.code,
          message: chunk.error.message,
          requestId: chunk.error.request_id,
        });
      }
      if (chunk.conversation) {
        state.conversationId = chunk.conversation.conversation_id;
        handlers.onConversation?.(chunk.conversation);
      }
      if (chunk.conversation?.assistant_message_id) state.assistantMessageId = chunk.conversation.assistant_message_id;
      const choice = chunk.choices[0];
      if (choice?.delta.content) {
        state.content += choice.delta.content;
        handlers.onDelta?.(choice.delta.content);
      }
      if (choice?.finish_reason) state.finishReason = choice.finish_reason;
      if (chunk.stopped) state.stopped = true;
    }
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    // A network error mid-stream (Wi-Fi to 4G, a deploy): resume.
  }
  return false;
}

function resumeRequest(gateway: Gateway, streamId: string, lastEventId?: string): Promise<Response> {
  return gateway.fetch(`/v1/chat/streams/${streamId}`, {
    headers: { Accept: 'text/event-stream', ...(lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId }) },
  });
}

/** Reads the turn to `[DONE]`, resuming with the last event id whenever the connection drops. */
async function follow(
  gateway: Gateway,
  first: Response,
  state: TurnState,
  handlers: StreamHandlers,
  retries: number,
): Promise<FollowedReply> {
  let response = first;
  for (let attempt = 0; ; attempt += 1) {
    if (await readInto(response, state, handlers)) {
      return {
        streamId: state.streamId,
        ...(state.conversationId ? { conversationId: state.conversationId } : {}),
        content: state.content,
        finishReason: state.finishReason,
        stopped: state.stopped,
        ...(state.assistantMessageId ? { assistantMessageId: state.assistantMessageId } : {}),
      };
    }
    if (attempt >= retries) {
      throw new GatewayError({ status: 0, code: 'UPSTREAM_UNAVAILABLE', message: 'The connection kept dropping; reload the conversation' });
    }
    await sleep(Math.min(250 * 2 ** attempt, 4000));
    response = await resumeRequest(gateway, state.streamId, state.lastEventId);
    if (!response.ok) throw await gatewayErrorOf(response);
  }
}

/** Sends a message and follows the reply to its end, across dropped connections. */
export async function followChat(
  gateway: Gateway,
  request: ChatRequest,
  handlers: StreamHandlers = {},
  options: FollowOptions = {},
): Promise<FollowedReply> {
  const response = await gateway.fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify({ ...request, stream: true }),
  });
  if (!response.ok) throw await gatewayErrorOf(response);
  const streamId = response.headers.get('X-Stream-Id') ?? '';
  options.onStream?.(streamId);
  return follow(gateway, response, { streamId, content: '', finishReason: null, stopped: false }, handlers, options.retries ?? 5);
}

/** The Stop button: stops the turn wherever it runs; every tab following it ends. */
export function stopChat(gateway: Gateway, streamId: string): Promise<StopResult> {
  return gateway.call<StopResult>('POST', `/v1/chat/streams/${streamId}/stop`);
}

/**
 * After a page reload: the reply still being written in this conversation, if any, followed from
 * its first event (the page shows it whole), else undefined (the stored messages are complete).
 */
export async function resumeAfterReload(
  gateway: Gateway,
  conversationId: string,
  handlers: StreamHandlers = {},
): Promise<FollowedReply | undefined> {
  const { streams } = await gateway.call<{ streams: StreamSummary[] }>('GET', `/v1/chat/streams?conversation_id=${conversationId}`);
  const running = streams.find((s) => s.status === 'running');
  if (!running) return undefined;
  const response = await resumeRequest(gateway, running.stream_id);
  if (!response.ok) throw await gatewayErrorOf(response);
  return follow(gateway, response, { streamId: running.stream_id, content: '', finishReason: null, stopped: false }, handlers, 5);
}
