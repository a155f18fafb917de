import { expect } from 'chai';
import type { DependencyContainer } from 'tsyringe';
import { MemoryConversationStore } from '../../../src/adapters/memory/memory-conversation-store';
import type { MemoryUserDirectory } from '../../../src/adapters/memory/memory-user-directory';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { RESOURCES, type Resources } from '../../../src/composition-root';
import { CONVERSATION_STORE } from '../../../src/ports/conversation-store.port';
import { LOGGER, type Logger } from '../../../src/ports/logger.port';
import { USER_DIRECTORY } from '../../../src/ports/user-directory.port';
import { FakeEdgeFunction } from '../../fakes/fake-edge-function';
import { FakeLiteLlmServer } from '../../fakes/fake-litellm-server';
import { startApp, type RunningApp } from '../../support/http';
import { SseClient } from '../../support/sse-client';
import { testConfig } from '../../support/test-config';
import { bearer, devToken } from '../../support/tokens';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/**
 * Where the chat runs: the embedded default (memory store, local/echo), the memory store with the
 * fake LiteLLM over HTTP, or the fake Edge Function with the fake LiteLLM.
 */
export type ChatSetup = 'embedded' | 'litellm' | 'edge+litellm';

export interface ChatHarness {
  app: RunningApp;
  /** Present unless the setup is `embedded`. */
  litellm: FakeLiteLlmServer | undefined;
  /** The model the setup answers with. */
  model: string;
  /** The app's own user directory (the memory twin in every setup here). */
  users: MemoryUserDirectory;
  /** The app's conversation store when it is the memory twin (`embedded`, `litellm`). */
  memoryStore: MemoryConversationStore | undefined;
  close(): Promise<void>;
}

/** A fresh store for the fake Edge Function of `edge+litellm` (a test may pass one that fails). */
export function edgeBackingStore(): MemoryConversationStore {
  return new MemoryConversationStore(new SystemClock(), new CryptoIdGenerator());
}

export async function startChat(
  setup: ChatSetup,
  env: Record<string, string> = {},
  edgeStore: MemoryConversationStore = edgeBackingStore(),
  configure?: (container: DependencyContainer) => void,
): Promise<ChatHarness> {
  const litellm = setup === 'embedded' ? undefined : await FakeLiteLlmServer.start();
  const edge = setup === 'edge+litellm' ? await FakeEdgeFunction.start(edgeStore) : undefined;
  const app = await startApp({
    config: testConfig({
      LOG_LEVEL: 'info',
      LOCAL_MODEL_TOKEN_DELAY_MS: '0',
      ...(litellm ? { LITELLM_URL: litellm.baseUrl } : {}),
      ...(edge ? { EDGE_FUNCTION_URL: edge.url, SUPABASE_ANON_KEY: 'test-anon-key' } : {}),
      ...env,
    }),
    ...(configure ? { configure } : {}),
  });
  const store = app.container.resolve(CONVERSATION_STORE);
  return {
    app,
    litellm,
    model: litellm ? 'gpt-4o-mini' : 'local/echo',
    users: app.container.resolve<MemoryUserDirectory>(USER_DIRECTORY),
    memoryStore: store instanceof MemoryConversationStore ? store : undefined,
    async close() {
      await app.close();
      // Closes what the container opened (the LiteLLM health monitor's timer).
      await app.container.resolve<Resources>(RESOURCES).closeAll(app.container.resolve<Logger>(LOGGER));
      await litellm?.close();
      await edge?.close();
    },
  };
}

const tokens = new Map<string, string>();

/** One token per user for the whole run: signing is slow enough to show in the 50-stream test. */
function tokenOf(userId: string): Record<string, string> {
  let token = tokens.get(userId);
  if (!token) tokens.set(userId, (token = devToken(userId)));
  return bearer(token);
}

/** A POST with a JSON body as `userId`. */
export function post(userId: string, body: unknown): RequestInit {
  return { method: 'POST', headers: { ...tokenOf(userId), 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

export function get(userId: string): RequestInit {
  return { method: 'GET', headers: tokenOf(userId) };
}

/** Opens a chat stream as `userId`. */
export function openStream(h: ChatHarness, userId: string, body: Json, path = '/v1/chat/completions'): Promise<SseClient> {
  return SseClient.open(`${h.app.url}${path}`, post(userId, body));
}

/** The parsed chunk of a `data:` payload (not `[DONE]`). */
export function parseChunk(data: string): Json {
  return JSON.parse(data) as Json;
}

/** The text of the content deltas among `data` payloads, in order. */
export function deltasOf(data: string[]): string[] {
  return data
    .filter((d) => d !== '[DONE]')
    .map(parseChunk)
    .flatMap((c) => {
      const content = c.choices?.[0]?.delta?.content;
      return typeof content === 'string' && content.length > 0 ? [content] : [];
    });
}

/** The stored conversation (`/full`) as the user sees it through the API. */
export async function fullConversation(h: ChatHarness, userId: string, conversationId: string): Promise<Json> {
  const res = await h.app.json<Json>(`/v1/conversations/${conversationId}/full`, get(userId));
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body.data;
}

/** Waits (giving the event loop turns, never measuring time) until an async probe returns a value. */
export async function eventuallyAsync<T>(probe: () => Promise<T | undefined>, what: string, maxTurns = 400): Promise<T> {
  for (let i = 0; i < maxTurns; i += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A promise the test settles itself: opens a fake LiteLLM `gate` step when the test has seen what it waited for. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
