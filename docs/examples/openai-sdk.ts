// The official OpenAI SDK (npm `openai`) pointed at the gateway's OpenAI-compatible mount, /openai/v1.
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { ChatConversationRef } from '../../clients/typescript';

/**
 * Headers the SDK adds that the gateway's CORS policy does not allow (a browser would refuse the
 * request at the preflight): null removes them.
 */
const SDK_HEADERS_OFF = {
  'User-Agent': null,
  'X-Stainless-Arch': null,
  'X-Stainless-Lang': null,
  'X-Stainless-OS': null,
  'X-Stainless-Package-Version': null,
  'X-Stainless-Retry-Count': null,
  'X-Stainless-Runtime': null,
  'X-Stainless-Runtime-Version': null,
  'X-Stainless-Timeout': null,
};

/** `accessToken` is called before each request: pass `async () => (await supabase.auth.getSession()).data.session!.access_token`. */
export function createGatewayOpenAI(
  gatewayUrl: string,
  accessToken: () => Promise<string>,
  options: { fetch?: typeof fetch } = {},
): OpenAI {
  return new OpenAI({
    // OpenAI's shapes without the gateway's envelope: chat.completions, models.list(), models.retrieve().
    baseURL: `${gatewayUrl.replace(/\/+$/, '')}/openai/v1`,
    apiKey: accessToken,
    // The "API key" is the user's own short-lived session token, not a secret of the app.
    dangerouslyAllowBrowser: true,
    defaultHeaders: SDK_HEADERS_OFF,
    // A repeated chat request stores the user's message again: let the user retry instead.
    maxRetries: 0,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** The gateway's addition to OpenAI chunks: where the turn is stored. */
type GatewayChunk = ChatCompletionChunk & { conversation?: ChatConversationRef };

/** Streams a reply; `conversationId` continues a conversation (absent: a new one). */
export async function chatWithSdk(
  client: OpenAI,
  request: { model: string; message: string; conversationId?: string },
  onDelta: (text: string) => void,
): Promise<{ content: string; conversation: ChatConversationRef | undefined }> {
  const { model, message, conversationId } = request;
  // `conversation_id` is not an OpenAI field: the SDK sends extra fields of the body as they are.
  const params: ChatCompletionCreateParamsStreaming & { conversation_id?: string } = {
    model,
    messages: [{ role: 'user', content: message }],
    stream: true,
    ...(conversationId ? { conversation_id: conversationId } : {}),
  };
  const stream = await client.chat.completions.create(params);
  let content = '';
  let conversation: ChatConversationRef | undefined;
  for await (const chunk of stream as AsyncIterable<GatewayChunk>) {
    const delta = chunk.choices[0]?.delta.content;
    if (delta) {
      content += delta;
      onDelta(delta);
    }
    conversation = chunk.conversation ?? conversation;
  }
  return { content, conversation };
}

/** One reply as one object: without `stream`, as with OpenAI, the answer is not streamed. */
export async function askWithSdk(client: OpenAI, model: string, message: string): Promise<string> {
  const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: message }] });
  return completion.choices[0]?.message.content ?? '';
}

/** The ids of the models the gateway serves (`GET /openai/v1/models`). */
export async function modelIdsWithSdk(client: OpenAI): Promise<string[]> {
  const ids: string[] = [];
  for await (const model of client.models.list()) ids.push(model.id);
  return ids;
}
