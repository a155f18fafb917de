import type { TokenUsage } from '../../domain/chat/chat';
import type { SamplingParams } from '../../ports/llm-gateway.port';
import { token } from '../../ports/token';

/** Where a turn lives: known before the first token, so it can go out in response headers. */
export interface TurnPlacement {
  conversation_id: string;
  branch_id: string;
  user_message_id: string;
  is_new_conversation: boolean;
  model: string;
}

export type ChatEvent =
  | { type: 'delta'; content: string }
  /** The reply is complete and saved. Always the last event; a failure is thrown instead. */
  | { type: 'done'; assistant_message_id: string; finish_reason: string; usage: TokenUsage | null; cost_usd?: number };

/**
 * A turn being streamed: its placement, and the events to relay as they arrive, in batches (never
 * empty) of those that arrived together (see LlmGateway.stream).
 */
export interface StreamingTurn {
  placement: TurnPlacement;
  events: AsyncIterable<ChatEvent[]>;
}

/** A turn answered at once (non-streaming). */
export interface CompletedTurn {
  placement: TurnPlacement;
  completion_id: string;
  content: string;
  assistant_message_id: string;
  finish_reason: string;
  usage: TokenUsage | null;
  cost_usd?: number;
}

/** Generation parameters the client may set: the model proxy's sampling parameters. */
export type GenerationParams = SamplingParams;

/** How a turn ended, for listeners (cache invalidation, metrics). */
export interface TurnOutcome {
  placement: TurnPlacement;
  status: 'completed' | 'interrupted' | 'failed';
  usage: TokenUsage | null;
  cost_usd?: number;
  duration_ms: number;
  /** Time from the start of the model call to its first delta; null when none came. */
  time_to_first_token_ms: number | null;
  deltas: number;
}

/** Called after every turn, whatever its outcome. Must not throw (failures are logged and ignored). */
export interface TurnListener {
  onTurnFinished(userId: string, outcome: TurnOutcome): void | Promise<void>;
}

export const TURN_LISTENERS = token<readonly TurnListener[]>('TurnListeners');
