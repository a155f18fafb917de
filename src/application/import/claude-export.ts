import { countSkip, isoOrNull, type ImportedConversation, type ImportedMessage } from '../../domain/import/imported-conversation';
import { array, at, id, object, optionalString, string } from './shape';

/**
 * One conversation of a Claude export (`conversations.json`): `chat_messages` in order, one linear
 * thread. A message's text is `text`, or its `content` items of type `text` when `text` is empty;
 * other items (tool use and results, images) are left out, and a message with no text is skipped.
 */
export function readClaudeConversation(value: unknown, path: string): ImportedConversation {
  const raw = object(value, path);
  const sourceId = id(raw.uuid, at(path, 'uuid'));
  const list = array(raw.chat_messages, at(path, 'chat_messages'));
  const skipped: ImportedConversation['skipped'] = {};
  const messages: ImportedMessage[] = [];
  const keys = new Set<string>();
  list.forEach((item, i) => {
    const itemPath = at(at(path, 'chat_messages'), i);
    const m = object(item, itemPath);
    let key = m.uuid === undefined ? `#${i}` : id(m.uuid, at(itemPath, 'uuid'));
    // A repeated uuid must not merge two messages: the position keeps them apart.
    if (keys.has(key)) key = `${key}#${i}`;
    keys.add(key);
    const sender = string(m.sender, at(itemPath, 'sender'));
    const text = textOf(m, itemPath);
    if (sender !== 'human' && sender !== 'assistant') return countSkip(skipped, 'unknown_role');
    if (text === '') return countSkip(skipped, 'empty');
    const role = sender === 'human' ? 'user' : 'assistant';
    if (messages.length === 0 && role === 'assistant') return countSkip(skipped, 'leading_assistant');
    messages.push({
      key,
      parentKey: messages.length === 0 ? null : messages[messages.length - 1]!.key,
      role,
      content: text,
      model: null,
      createdAt: isoOrNull(m.created_at),
    });
  });
  return {
    format: 'claude',
    sourceId,
    title: optionalString(raw.name, at(path, 'name')) || null,
    model: null,
    createdAt: isoOrNull(raw.created_at),
    updatedAt: isoOrNull(raw.updated_at),
    messages,
    currentKey: messages.length > 0 ? messages[messages.length - 1]!.key : null,
    skipped,
  };
}

function textOf(m: Record<string, unknown>, path: string): string {
  const text = optionalString(m.text, at(path, 'text')) ?? '';
  if (text.trim() !== '') return text;
  if (m.content === undefined || m.content === null) return '';
  const parts = array(m.content, at(path, 'content')).map((c, i) => {
    const item = object(c, at(at(path, 'content'), i));
    const type = string(item.type, at(at(at(path, 'content'), i), 'type'));
    return type === 'text' ? (optionalString(item.text, at(at(at(path, 'content'), i), 'text')) ?? '') : '';
  });
  const joined = parts.filter((p) => p !== '').join('\n');
  return joined.trim() === '' ? '' : joined;
}
