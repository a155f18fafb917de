import { inject, injectable } from 'tsyringe';
import type { TokenUsage } from '../../domain/chat/chat';
import { AppError, isAppError } from '../../domain/errors/app-error';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { CONVERSATION_STORE, type ConversationStore, type SaveAssistantMessageInput } from '../../ports/conversation-store.port';
import { LLM_GATEWAY, type LlmGateway } from '../../ports/llm-gateway.port';
import { LOGGER, type Logger } from '../../ports/logger.port';
import { TURN_LISTENERS, type ChatEvent, type CompletedTurn, type TurnListener, type TurnOutcome } from './chat-turn';
import type { ReplyRequest } from './prepared-turn';

interface TurnMetrics {
  started: number;
  firstAt: number | null;
  deltas: number;
  usage: TokenUsage | null;
  cost: number | undefined;
}

/** Attempts and pauses of a failed save: a reply the user has seen must not be lost to one blip. */
const SAVE_DELAYS_MS = [0, 250, 1000];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The part of a chat turn shared by sending and regenerating: call the model, relay its deltas,
 * save the reply before the final event (so the client learns its id), and never lose what the
 * user was shown — a cut stream saves the partial reply marked as interrupted.
 */
@injectable()
export class ReplyGenerator {
  constructor(
    @inject(LLM_GATEWAY) private readonly llm: LlmGateway,
    @inject(CONVERSATION_STORE) private readonly store: ConversationStore,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(TURN_LISTENERS) private readonly listeners: TurnListener[],
  ) {}

  /**
   * Deltas as the model produces them (in the model's batches), then `done` alone. A failure after
   * the first delta is thrown (after saving the partial reply); a client abort ends the stream
   * quietly after the save.
   */
  async *stream(req: ReplyRequest, signal: AbortSignal): AsyncGenerator<ChatEvent[]> {
    const started = this.clock.nowMs();
    const parts: string[] = [];
    let usage: TokenUsage | null = null;
    let cost: number | undefined;
    let finish = 'stop';
    let firstAt: number | null = null;
    let failure: unknown;
    try {
      for await (const batch of this.llm.stream(this.completionRequest(req), signal)) {
        const deltas: ChatEvent[] = [];
        for (const event of batch) {
          if (event.type === 'delta') {
            parts.push(event.content);
            deltas.push({ type: 'delta', content: event.content });
          } else if (event.type === 'finish') finish = event.finish_reason;
          else {
            usage = event.usage;
            cost = event.cost_usd;
          }
        }
        if (deltas.length === 0) continue;
        if (firstAt === null) firstAt = this.clock.nowMs();
        yield deltas;
      }
    } catch (err) {
      failure = err;
    }
    const content = parts.join('');
    const metrics = { started, firstAt, deltas: parts.length, usage, cost };

    if (failure !== undefined || signal.aborted) {
      // Whatever reached the client is kept, marked as interrupted.
      if (content.length > 0) await this.saveOrLog(req, content, usage, true);
      await this.notify(req, signal.aborted ? 'interrupted' : 'failed', metrics);
      if (signal.aborted) return;
      throw failure;
    }

    const messageId = await this.saveCompleted(req, content, usage, metrics);
    yield [
      {
        type: 'done',
        assistant_message_id: messageId,
        finish_reason: finish,
        usage,
        ...(cost !== undefined ? { cost_usd: cost } : {}),
      },
    ];
  }

  /** The whole reply at once (non-streaming clients), saved before it is returned. */
  async complete(req: ReplyRequest, signal: AbortSignal): Promise<CompletedTurn> {
    const started = this.clock.nowMs();
    let completion;
    try {
      completion = await this.llm.complete(this.completionRequest(req), signal);
    } catch (err) {
      await this.notify(req, 'failed', { started, firstAt: null, deltas: 0, usage: null, cost: undefined });
      throw err;
    }
    const metrics = { started, firstAt: this.clock.nowMs(), deltas: 1, usage: completion.usage, cost: completion.cost_usd };
    const messageId = await this.saveCompleted(req, completion.content, completion.usage, metrics);
    return {
      placement: req.placement,
      completion_id: completion.id,
      content: completion.content,
      assistant_message_id: messageId,
      finish_reason: completion.finish_reason ?? 'stop',
      usage: completion.usage,
      ...(completion.cost_usd !== undefined ? { cost_usd: completion.cost_usd } : {}),
    };
  }

  /** Saves a complete reply and reports the turn; a failed save is an error the client hears about. */
  private async saveCompleted(req: ReplyRequest, content: string, usage: TokenUsage | null, metrics: TurnMetrics): Promise<string> {
    try {
      const messageId = await this.save(req, content, usage, false);
      await this.notify(req, 'completed', metrics);
      return messageId;
    } catch (err) {
      await this.notify(req, 'failed', metrics);
      throw new AppError('UPSTREAM_UNAVAILABLE', 'The reply was generated but could not be saved; it is logged and will not be lost', {
        cause: err,
        details: { conversation_id: req.placement.conversation_id, branch_id: req.placement.branch_id },
      });
    }
  }

  private completionRequest(req: ReplyRequest) {
    return {
      model: req.placement.model,
      messages: req.context,
      ...req.params,
      apiKey: req.apiKey,
      endUserId: req.user.userId,
      requestId: req.user.requestId,
    };
  }

  private saveInput(req: ReplyRequest, content: string, usage: TokenUsage | null, interrupted: boolean): SaveAssistantMessageInput {
    return {
      conversation_id: req.placement.conversation_id,
      branch_id: req.placement.branch_id,
      parent_id: req.placement.user_message_id,
      content,
      model: req.placement.model,
      ...(usage ? { tokens_count: usage.completion_tokens } : {}),
      ...(interrupted ? { interrupted: true } : {}),
    };
  }

  /** Saves with retries; on final failure logs everything needed to replay the save, then throws. */
  private async save(req: ReplyRequest, content: string, usage: TokenUsage | null, interrupted: boolean): Promise<string> {
    const input = this.saveInput(req, content, usage, interrupted);
    let lastError: unknown;
    for (const delay of SAVE_DELAYS_MS) {
      if (delay > 0) await sleep(delay);
      try {
        return (await this.store.saveAssistantMessage(req.user, input)).message_id;
      } catch (err) {
        lastError = err;
        // A 4xx will not get better by repeating it.
        if (isAppError(err) && !['UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_ERROR'].includes(err.code)) break;
      }
    }
    this.logger.error(
      {
        event: 'assistant_message_save_failed',
        user_id: req.user.userId,
        request_id: req.user.requestId,
        error: isAppError(lastError) ? { code: lastError.code, message: lastError.message } : { message: (lastError as Error)?.message },
        replay: { operation: 'saveAssistantMessage', input },
      },
      'the reply could not be saved: replay it from this record',
    );
    throw lastError;
  }

  private async saveOrLog(req: ReplyRequest, content: string, usage: TokenUsage | null, interrupted: boolean): Promise<void> {
    try {
      const messageId = await this.save(req, content, usage, interrupted);
      // The Edge Function has no field for the interrupted flag: this line is then the only mark that the reply is partial.
      this.logger.info(
        {
          event: 'assistant_message_saved_partial',
          message_id: messageId,
          conversation_id: req.placement.conversation_id,
          request_id: req.user.requestId,
          chars: content.length,
        },
        'a partial reply was saved',
      );
    } catch {
      // Already logged with its replay record; the original failure is what the client hears about.
    }
  }

  private async notify(req: ReplyRequest, status: TurnOutcome['status'], m: TurnMetrics): Promise<void> {
    const outcome: TurnOutcome = {
      placement: req.placement,
      status,
      usage: m.usage,
      ...(m.cost !== undefined ? { cost_usd: m.cost } : {}),
      duration_ms: this.clock.nowMs() - m.started,
      time_to_first_token_ms: m.firstAt === null ? null : m.firstAt - m.started,
      deltas: m.deltas,
    };
    for (const listener of this.listeners) {
      try {
        await listener.onTurnFinished(req.user.userId, outcome);
      } catch (err) {
        this.logger.warn({ err: { message: (err as Error).message } }, 'turn listener failed');
      }
    }
  }
}
