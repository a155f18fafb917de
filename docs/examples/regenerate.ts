// Regenerating a reply: a new branch from the reply's parent message, made active, with a new reply.
import type { RegenerateResult } from '../../clients/typescript';
import type { Gateway } from './gateway-api';
import { readReplyStream, type StreamedReply, type StreamHandlers } from './stream-chat';

export interface RegenerateOptions {
  model?: string;
  temperature?: number;
  /** Name of the new branch (default: chosen by the gateway). */
  branch_name?: string;
}

/** Streams the new reply like a chat; `conversation.branch_id` is the new branch. */
export async function regenerateStreamed(
  gateway: Gateway,
  assistantMessageId: string,
  options: RegenerateOptions = {},
  handlers: StreamHandlers = {},
  signal?: AbortSignal,
): Promise<StreamedReply> {
  const response = await gateway.fetch(`/v1/messages/${encodeURIComponent(assistantMessageId)}/regenerate`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify({ ...options, stream: true }),
    signal,
  });
  return readReplyStream(response, handlers);
}

/** Waits for the whole new reply: the new branch and the stored message. */
export function regenerate(gateway: Gateway, assistantMessageId: string, options: RegenerateOptions = {}): Promise<RegenerateResult> {
  return gateway.call<RegenerateResult>('POST', `/v1/messages/${encodeURIComponent(assistantMessageId)}/regenerate`, {
    ...options,
    stream: false,
  });
}
