import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatMessage, TokenUsage } from '../../domain/chat/chat';
import { AppError } from '../../domain/errors/app-error';
import type { ModelInfo } from '../../domain/models/model-info';
import type { Completion, CompletionRequest, LlmGateway, StreamEvent } from '../../ports/llm-gateway.port';

/** `local/echo` answers `Echo: <the last user message>`; `local/lorem` a fixed lorem ipsum text. */
export const LOCAL_MODEL_IDS = ['local/echo', 'local/lorem'] as const;
export type LocalModelId = (typeof LOCAL_MODEL_IDS)[number];

const CONTEXT_WINDOW = 8192;
const LOREM_DEFAULT_TOKENS = 64;
const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ' +
  'Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. ' +
  'Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. ' +
  'Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.';

/** The local models as the catalogue lists them: free, no tools, no vision. */
export const LOCAL_MODELS: readonly ModelInfo[] = LOCAL_MODEL_IDS.map((id) => ({
  id,
  provider: 'local',
  mode: 'chat',
  context_window: CONTEXT_WINDOW,
  max_output_tokens: CONTEXT_WINDOW,
  pricing: { input_per_1m: 0, output_per_1m: 0, currency: 'USD' as const },
  capabilities: { function_calling: false, vision: false, system_messages: true },
}));

export interface LocalEchoOptions {
  /** Pause before each token, so a client sees a reply arrive word by word. 0 in tests. */
  tokenDelayMs?: number;
}

export function isLocalModel(model: string): model is LocalModelId {
  return (LOCAL_MODEL_IDS as readonly string[]).includes(model);
}

/** Word tokens that keep their leading whitespace, so joining them gives the text back exactly. */
function tokenize(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

function countTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + tokenize(m.content).length + 1, 0);
}

function cancelled(): AppError {
  return new AppError('UPSTREAM_UNAVAILABLE', 'The request was cancelled', { details: { upstream: 'local', cancelled: true } });
}

interface Reply {
  tokens: string[];
  finishReason: 'stop' | 'length';
  usage: TokenUsage;
}

/**
 * The built-in model of the embedded default: no network, no key, a deterministic reply streamed
 * token by token, so the whole chat flow (streaming, usage, saving, aborts) can be seen without
 * LiteLLM. It has the same contract as the real gateway: an unknown model is MODEL_NOT_ALLOWED and
 * an abort ends the stream at once with UPSTREAM_UNAVAILABLE `details.cancelled: true`.
 */
export class LocalEchoLlmGateway implements LlmGateway {
  private readonly tokenDelayMs: number;
  private sequence = 0;

  constructor(options: LocalEchoOptions = {}) {
    this.tokenDelayMs = options.tokenDelayMs ?? 20;
  }

  /** One token per batch, as a model that writes one token at a time; finish and usage together. */
  async *stream(request: CompletionRequest, signal: AbortSignal): AsyncGenerator<StreamEvent[], void, undefined> {
    const reply = this.reply(request);
    for (const content of reply.tokens) {
      if (this.tokenDelayMs > 0) {
        try {
          await sleep(this.tokenDelayMs, undefined, { signal });
        } catch {
          throw cancelled();
        }
      }
      if (signal.aborted) throw cancelled();
      yield [{ type: 'delta', content }];
    }
    if (signal.aborted) throw cancelled();
    yield [
      { type: 'finish', finish_reason: reply.finishReason },
      { type: 'usage', usage: reply.usage, cost_usd: 0 },
    ];
  }

  async complete(request: CompletionRequest, signal: AbortSignal): Promise<Completion> {
    const reply = this.reply(request);
    if (signal.aborted) throw cancelled();
    this.sequence += 1;
    return {
      id: `chatcmpl-local-${this.sequence}`,
      model: request.model,
      content: reply.tokens.join(''),
      finish_reason: reply.finishReason,
      usage: reply.usage,
      cost_usd: 0,
    };
  }

  private reply(request: CompletionRequest): Reply {
    if (!isLocalModel(request.model)) {
      throw new AppError('MODEL_NOT_ALLOWED', `The model ${request.model} is not available here`, {
        details: { model: request.model, available_models: [...LOCAL_MODEL_IDS] },
      });
    }
    let tokens: string[];
    let finishReason: Reply['finishReason'] = 'stop';
    if (request.model === 'local/echo') {
      const last =
        [...request.messages]
          .reverse()
          .find((m) => m.role === 'user')
          ?.content.trim() ?? '';
      tokens = tokenize(`Echo: ${last || '(empty message)'}`);
      if (request.max_tokens !== undefined && tokens.length > request.max_tokens) {
        tokens = tokens.slice(0, request.max_tokens);
        finishReason = 'length';
      }
    } else {
      // As long as asked (a benchmark picks the reply length with max_tokens), cut like a real model.
      const words = tokenize(LOREM);
      const count = request.max_tokens ?? LOREM_DEFAULT_TOKENS;
      tokens = Array.from({ length: count }, (_, i) => {
        const word = words[i % words.length] as string;
        return i > 0 && i % words.length === 0 ? ` ${word}` : word;
      });
      if (request.max_tokens !== undefined) finishReason = 'length';
    }
    const prompt = countTokens(request.messages);
    return {
      tokens,
      finishReason,
      usage: { prompt_tokens: prompt, completion_tokens: tokens.length, total_tokens: prompt + tokens.length },
    };
  }
}
