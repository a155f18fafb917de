import type { MessageRole } from '../conversation/conversation';

/** A message as sent to a model: the context of a completion. */
export interface ChatMessage {
  role: MessageRole;
  content: string;
}

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}
