import type { TurnPlacement } from '../../../application/chat/chat-turn';
import type { TurnLogEvent } from '../../../ports/stream-log.port';

type Done = Extract<TurnLogEvent, { type: 'done' }>;
type Stopped = Extract<TurnLogEvent, { type: 'stopped' }>;
type PlacementFields = Pick<TurnPlacement, 'conversation_id' | 'branch_id' | 'user_message_id' | 'model'>;

/**
 * OpenAI `chat.completion.chunk` payloads for one turn. The constant part of every chunk is
 * serialised once; per delta only the text is encoded (this runs for every token).
 */
export class ChatChunkFormatter {
  private readonly prefix: string;
  private readonly conversation: string;
  /** `,"stream_id":"..."` on the first chunk only. */
  private streamField: string;
  private first = true;

  constructor(
    id: string,
    createdSeconds: number,
    private readonly placement: PlacementFields,
    streamId?: string,
  ) {
    this.prefix = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${createdSeconds},"model":${JSON.stringify(placement.model)},"choices":[{"index":0,"delta":`;
    this.conversation = JSON.stringify(this.conversationObject());
    this.streamField = streamId ? `,"stream_id":${JSON.stringify(streamId)}` : '';
  }

  delta(content: string): string {
    if (this.first) {
      this.first = false;
      const stream = this.takeStreamField();
      // The first chunk names the role and tells the client where the turn lives (and its stream id, to resume it).
      return `${this.prefix}{"role":"assistant","content":${JSON.stringify(content)}},"finish_reason":null}],"conversation":${this.conversation}${stream}}`;
    }
    return `${this.prefix}{"content":${JSON.stringify(content)}},"finish_reason":null}]}`;
  }

  /** The last chunk before `[DONE]`: finish reason, usage and the saved reply's id. */
  final(done: Done): string {
    const conversation = JSON.stringify(this.conversationObject(done.assistant_message_id));
    const role = this.first ? '"role":"assistant"' : '';
    return `${this.prefix}{${role}},"finish_reason":${JSON.stringify(done.finish_reason)}}],"usage":${JSON.stringify(done.usage)},"conversation":${conversation}${this.takeStreamField()}}`;
  }

  /**
   * The last chunk of a turn stopped before the model finished: OpenAI clients see an ordinary
   * `finish_reason: "stop"`; `stopped.reason` says who stopped it (`user`, `orphaned`, `disconnected`).
   */
  stopped(event: Stopped): string {
    const role = this.first ? '"role":"assistant"' : '';
    return `${this.prefix}{${role}},"finish_reason":"stop"}],"stopped":{"reason":${JSON.stringify(event.reason)}},"conversation":${this.conversation}${this.takeStreamField()}}`;
  }

  /** Any event of a turn as its `data:` payload. */
  event(event: TurnLogEvent, requestId: string): string {
    switch (event.type) {
      case 'delta':
        return this.delta(event.content);
      case 'done':
        return this.final(event);
      case 'stopped':
        return this.stopped(event);
      default:
        return errorEvent(event.code, event.message, requestId);
    }
  }

  private takeStreamField(): string {
    const field = this.streamField;
    this.streamField = '';
    return field;
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
