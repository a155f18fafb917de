// Streaming a reply with fetch and a stream reader (EventSource cannot send an Authorization header).
import type { ChatCompletionChunk, ChatConversationRef, ChatStreamError } from '../../clients/typescript';
import { GatewayError, gatewayErrorOf, type Gateway } from './gateway-api';

/** The `data` of each server-sent event of a body, in order; comments (`: ping`) are skipped. */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  for await (const event of sseEvents(body)) yield event.data;
}

/** Each server-sent event of a body with its `id:` (what a resume sends back as `Last-Event-ID`). */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ id?: string; data: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let id: string | undefined;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (;;) {
        const end = buffer.search(/\r\n|\r|\n/);
        // A lone '\r' at the end of a chunk may be the first half of "\r\n": wait for the next chunk.
        if (end < 0 || (end === buffer.length - 1 && buffer[end] === '\r' && !done)) break;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
        if (line === '') {
          // A blank line ends an event.
          if (data.length > 0) yield { data: data.join('\n'), ...(id === undefined ? {} : { id }) };
          data = [];
          id = undefined;
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') data.push(value);
          else if (field === 'id') id = value;
        }
      }
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}

export interface StreamHandlers {
  /** Each new piece of the reply, as it arrives. */
  onDelta?(text: string): void;
  /** Where the turn is stored: first before any text, again at the end with `assistant_message_id`. */
  onConversation?(conversation: ChatConversationRef): void;
}

export interface StreamedReply {
  content: string;
  conversation: ChatConversationRef;
  finishReason: string | null;
  usage: ChatCompletionChunk['usage'];
}

export interface ChatRequest {
  message: string;
  /** Absent: a new conversation is created (its id arrives in `onConversation`). */
  conversation_id?: string;
  /** Answer from this message instead of the end of the active branch (forks a branch). */
  parent_message_id?: string;
  model?: string;
  temperature?: number;
  max_tokens?: number;
}

/**
 * Reads a chat stream to its end. Rejects with a GatewayError: before the stream (a plain HTTP
 * error), or after it started (`status` 200: the error event; the partial reply is saved).
 */
export async function readReplyStream(response: Response, handlers: StreamHandlers = {}): Promise<StreamedReply> {
  if (!response.ok || !response.body) throw await gatewayErrorOf(response);
  let content = '';
  let conversation: ChatConversationRef | undefined;
  let finishReason: string | null = null;
  let usage: ChatCompletionChunk['usage'] = null;
  for await (const data of sseData(response.body)) {
    if (data === '[DONE]') {
      if (!conversation) break;
      return { content, conversation, finishReason, usage };
    }
    const event = JSON.parse(data) as ChatCompletionChunk | ChatStreamError;
    if ('error' in event) {
      throw new GatewayError({
        status: response.status,
        code: event.error.code,
        message: event.error.message,
        requestId: event.error.request_id,
      });
    }
    if (event.conversation) {
      conversation = event.conversation;
      handlers.onConversation?.(event.conversation);
    }
    const choice = event.choices[0];
    if (choice?.delta.content) {
      content += choice.delta.content;
      handlers.onDelta?.(choice.delta.content);
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (event.usage) usage = event.usage;
  }
  // No [DONE]: the connection dropped. The gateway saved what it had sent.
  throw new GatewayError({
    status: response.status,
    code: 'UPSTREAM_UNAVAILABLE',
    message: 'The stream ended before the reply was complete',
  });
}

/** Sends a message and streams the reply. Abort `signal` to stop generating (a Stop button). */
export async function streamChat(
  gateway: Gateway,
  request: ChatRequest,
  handlers: StreamHandlers = {},
  signal?: AbortSignal,
): Promise<StreamedReply> {
  const response = await gateway.fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify({ ...request, stream: true }),
    signal,
  });
  return readReplyStream(response, handlers);
}
