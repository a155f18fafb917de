import type { ChatEvent, TurnPlacement } from '../../../application/chat/chat-turn';

type Done = Extract<ChatEvent, { type: 'done' }>;

/**
 * OpenAI `chat.completion.chunk` payloads for one turn. The constant part of every chunk is
 * serialised once; per delta only the text is encoded (this runs for every token).
 */
export class ChatChunkFormatter {
  private readonly prefix: string;
  private readonly conversation: string;
  private first = true;

  constructor(
    id: string,
    createdSeconds: number,
    private readonly placement: TurnPlacement,
  ) {
    this.prefix = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${createdSeconds},"model":${JSON.stringify(placement.model)},"choices":[{"index":0,"delta":`;
    this.conversation = JSON.stringify(this.conversationObject());
  }

  delta(content: string): string {
    if (this.first) {
      this.first = false;
      // The first chunk names the role and tells the client where the turn lives.
      return `${this.prefix}{"role":"assistant","content":${JSON.stringify(content)}},"finish_reason":null}],"conversation":${this.conversation}}`;
    }
    return `${this.prefix}{"content":${JSON.stringify(content)}},"finish_reason":null}]}`;
  }

  /** The last chunk before `[DONE]`: finish reason, usage and the saved reply's id. */
  final(done: Done): string {
    const conversation = JSON.stringify(this.conversationObject(done.assistant_message_id));
    const role = this.first ? '"role":"assistant"' : '';
    return `${this.prefix}{${role}},"finish_reason":${JSON.stringify(done.finish_reason)}}],"usage":${JSON.stringify(done.usage)},"conversation":${conversation}}`;
  }

  conversationObject(assistantMessageId?: string): Record<string, string> {
    return {
      conversation_id: this.placement.conversation_id,
      branch_id: this.placement.branch_id,
      user_message_id: this.placement.user_message_id,
      ...(assistantMessageId ? { assistant_message_id: assistantMessageId } : {}),
    };
  }
}

export function errorEvent(code: string, message: string, requestId: string): string {
  return JSON.stringify({ error: { message, code, type: 'gateway_error', request_id: requestId } });
}
