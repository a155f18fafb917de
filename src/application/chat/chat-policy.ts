import { token } from '../../ports/token';
/** Settings of the chat flow the use cases need, taken from the configuration by the composition root. */
export interface ChatPolicy {
  /** Model of a conversation created without one. */
  defaultModel: string;
  /** How many of the newest messages of a branch are sent to the model. */
  maxContextMessages: number;
  /** How many streams one user may hold open at once, across replicas. */
  maxStreamsPerUser: number;
}

export const CHAT_POLICY = token<ChatPolicy>('ChatPolicy');
