// A reply streamed into a page: call it with `document.getElementById('reply')` as `output`.
// Without `model` the conversation's model (or the gateway's default) answers.
import { createGateway, type SessionSource } from './gateway-api';
import { streamChat, type StreamedReply } from './stream-chat';

/** What the page needs of an element: any DOM element has it. */
export interface TextOutput {
  textContent: string | null;
}

export async function sendAndShow(
  gatewayUrl: string,
  auth: SessionSource,
  message: string,
  output: TextOutput,
  conversationId?: string,
): Promise<StreamedReply> {
  const gateway = createGateway(gatewayUrl, auth);
  output.textContent = '';
  return streamChat(
    gateway,
    { message, conversation_id: conversationId },
    {
      onDelta: (text) => {
        output.textContent += text;
      },
    },
  );
}
