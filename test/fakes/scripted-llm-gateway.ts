import { AppError } from '../../src/domain/errors/app-error';
import type { Completion, CompletionRequest, LlmGateway, StreamEvent } from '../../src/ports/llm-gateway.port';

/** What the scripted model does, chosen by the text of the last user message. */
export const FAIL_MID_STREAM = 'please fail mid-stream';
export const HANG_AFTER_FIRST = 'please hang after the first token';
export const COST_PER_TURN_USD = 0.0025;

/**
 * A model proxy that needs no network: streams the words of its fixed reply, then usage with a
 * cost (as LiteLLM reports it). The last user message picks a failure: an upstream error after the
 * first delta, or a first delta and then silence until the client goes away.
 */
export class ScriptedLlmGateway implements LlmGateway {
  /** A model this gateway refuses, as a proxy refuses a model the key may not use. */
  static readonly REFUSED_MODEL = 'scripted/refused';
  readonly reply = ['Hello', ' from', ' the', ' scripted', ' model.'];

  async *stream(request: CompletionRequest, signal: AbortSignal): AsyncGenerator<StreamEvent[], void, undefined> {
    refuseUnknown(request);
    const last = request.messages[request.messages.length - 1]?.content ?? '';
    if (last.includes(FAIL_MID_STREAM)) {
      yield [{ type: 'delta', content: 'Half' }];
      throw new AppError('UPSTREAM_ERROR', 'The model provider failed mid-stream', { details: { upstream: 'scripted' } });
    }
    if (last.includes(HANG_AFTER_FIRST)) {
      yield [{ type: 'delta', content: 'Waiting' }];
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      throw new AppError('UPSTREAM_UNAVAILABLE', 'The request was cancelled', { details: { cancelled: true } });
    }
    for (const content of this.reply) yield [{ type: 'delta', content }];
    yield [
      { type: 'finish', finish_reason: 'stop' },
      {
        type: 'usage',
        usage: { prompt_tokens: 7, completion_tokens: this.reply.length, total_tokens: 7 + this.reply.length },
        cost_usd: COST_PER_TURN_USD,
      },
    ];
  }

  async complete(request: CompletionRequest, signal: AbortSignal): Promise<Completion> {
    refuseUnknown(request);
    if (signal.aborted) throw new AppError('UPSTREAM_UNAVAILABLE', 'The request was cancelled', { details: { cancelled: true } });
    return {
      id: 'chatcmpl-scripted',
      model: request.model,
      content: this.reply.join(''),
      finish_reason: 'stop',
      usage: { prompt_tokens: 7, completion_tokens: this.reply.length, total_tokens: 7 + this.reply.length },
      cost_usd: COST_PER_TURN_USD,
    };
  }
}

function refuseUnknown(request: CompletionRequest): void {
  if (request.model === ScriptedLlmGateway.REFUSED_MODEL) {
    throw new AppError('MODEL_NOT_ALLOWED', `Your key may not use the model ${request.model}`, { details: { model: request.model } });
  }
}
