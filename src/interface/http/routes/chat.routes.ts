import type { Static } from 'typebox';
import type { CompletedTurn } from '../../../application/chat/chat-turn';
import { RegenerateMessage } from '../../../application/chat/regenerate-message.use-case';
import { SendChatMessage } from '../../../application/chat/send-chat-message.use-case';
import { GetMessage } from '../../../application/messages/get-message.use-case';
import type { RouteDeps } from '../routing/route-deps';
import { ok, raw, userOf, type RouteInput, type RouteReply, type RouteSpec } from '../routing/route-spec';
import type { MessageRegenerateBody, RegenerateBody } from '../schemas/chat.schemas';
import {
  chatCompletionObject,
  placementHeaders,
  toMessageRegenerateCommand,
  toRegenerateCommand,
  toSendCommand,
  type ChatBody,
} from './chat-bodies';
import { REGENERATE_CHAT_REPLY, REGENERATE_MESSAGE, SEND_CHAT_MESSAGE } from './chat.docs';
import { TurnResponder } from './turn-responder';

/** Chat: send a message, regenerate a reply; each streamed (SSE) or answered at once. */
export function chatRoutes(deps: RouteDeps): RouteSpec[] {
  const send = deps.get(SendChatMessage);
  const regenerate = deps.get(RegenerateMessage);
  const messages = deps.get(GetMessage);
  const turns = new TurnResponder(deps);

  return [
    {
      ...SEND_CHAT_MESSAGE,
      async handler(input) {
        const body = input.body as ChatBody;
        const cmd = toSendCommand(body);
        return turns.respond(
          input,
          // OpenAI's form answers one object unless asked to stream; the previous gateway's form streamed by default.
          body.stream ?? body.messages === undefined,
          () => send.prepare(userOf(input), cmd),
          async (turn) => raw(chatCompletionObject(turn, turns.completionId(), turns.nowSeconds()), 200, placementHeaders(turn)),
          // SDK clients (the OpenAI form) do not resume: their disconnect stops the turn at once.
          body.messages ? 'abort' : 'continue',
        );
      },
    },
    {
      ...REGENERATE_CHAT_REPLY,
      async handler(input) {
        const body = input.body as Static<typeof RegenerateBody>;
        const cmd = toRegenerateCommand(body);
        return turns.respond(
          input,
          body.stream ?? false,
          () => regenerate.prepare(userOf(input), cmd),
          (turn) => regenerated(input, turn),
        );
      },
    },
    {
      ...REGENERATE_MESSAGE,
      async handler(input) {
        const body = input.body as Static<typeof MessageRegenerateBody>;
        const cmd = toMessageRegenerateCommand(input.params.id, body);
        return turns.respond(
          input,
          body.stream ?? false,
          () => regenerate.prepare(userOf(input), cmd),
          (turn) => regenerated(input, turn),
        );
      },
    },
  ];

  /** Non-streaming regenerate answers the new branch and the stored reply in the envelope. */
  async function regenerated(input: RouteInput, turn: CompletedTurn): Promise<RouteReply> {
    const message = await messages.execute(userOf(input), turn.assistant_message_id);
    return ok(
      { conversation_id: turn.placement.conversation_id, branch_id: turn.placement.branch_id, message, usage: turn.usage },
      200,
      placementHeaders(turn),
    );
  }
}
