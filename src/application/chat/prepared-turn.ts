import type { ChatMessage } from '../../domain/chat/chat';
import type { UserContext } from '../../domain/user/user-context';
import type { GenerationParams, TurnPlacement } from './chat-turn';

/** Everything the model call and the save need: who, where, the context sent, the parameters. */
export interface ReplyRequest {
  user: UserContext;
  placement: TurnPlacement;
  context: ChatMessage[];
  params: GenerationParams;
  apiKey: string;
}

/**
 * A turn whose user message is stored (or whose branch is forked) and whose context is built:
 * what the TurnBuilder makes and the TurnRunner runs, streamed or at once.
 */
export interface PreparedTurn {
  request: ReplyRequest;
  /**
   * Called once the new reply is worth showing (regenerate makes its branch the visible one):
   * before the final event of a stream, after the save of a partial reply the user saw, or after a
   * complete answer. Not called when the model failed before its first token.
   */
  onAnswered?: () => Promise<void>;
}
