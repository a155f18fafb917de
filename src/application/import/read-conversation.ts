import type { ImportedConversation, ImportFormat } from '../../domain/import/imported-conversation';
import { readChatGptConversation } from './chatgpt-export';
import { readClaudeConversation } from './claude-export';
import { readGatewayConversation } from './gateway-export';
import { malformed } from './shape';

const READERS: Record<ImportFormat, (value: unknown, path: string) => ImportedConversation> = {
  chatgpt: readChatGptConversation,
  claude: readClaudeConversation,
  gateway: readGatewayConversation,
};

export function readConversation(format: ImportFormat, value: unknown, path: string): ImportedConversation {
  return READERS[format](value, path);
}

/**
 * The format of a file from its first conversation: ChatGPT's have a `mapping`, Claude's
 * `chat_messages`, the gateway's a `conversation` with `messages`. A file that is an object is the
 * gateway's JSON export (`{"export": ..., "conversations": [...]}`).
 */
export function detectFormat(shape: 'array' | 'object', first: unknown, path: string): ImportFormat {
  if (shape === 'object') return 'gateway';
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    const keys = first as Record<string, unknown>;
    if ('mapping' in keys) return 'chatgpt';
    if ('chat_messages' in keys) return 'claude';
    if ('conversation' in keys && 'messages' in keys) return 'gateway';
  }
  throw malformed(
    path,
    'is not a conversation of a known export (ChatGPT: `mapping`; Claude: `chat_messages`; gateway: `conversation` and `messages`); pass `format` to name it',
  );
}
