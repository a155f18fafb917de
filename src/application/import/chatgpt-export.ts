import {
  isoFromEpochSeconds,
  type ImportedConversation,
  type ImportedMessage,
  type SkipReason,
} from '../../domain/import/imported-conversation';
import { array, at, id, object, optionalNumber, optionalString, string, type Obj } from './shape';
import { flattenSourceTree, type SourceNode } from './source-tree';

/**
 * One conversation of a ChatGPT export (`conversations.json`): a `mapping` of nodes linked by
 * `parent`/`children`, `current_node` the message last shown. Every fork (an edited question, a
 * regenerated reply) becomes a branch; system and tool messages, tool calls and messages without
 * text (images, files, code runs) are skipped and counted.
 */
export function readChatGptConversation(value: unknown, path: string): ImportedConversation {
  const raw = object(value, path);
  const sourceId = id(raw.conversation_id ?? raw.id, at(path, raw.conversation_id === undefined ? 'id' : 'conversation_id'));
  const mapping = object(raw.mapping, at(path, 'mapping'));
  const current = optionalString(raw.current_node, at(path, 'current_node'));
  const nodes = new Map<string, SourceNode>();
  let model: string | null = null;
  let modelTime = -Infinity;
  for (const [key, nodeValue] of Object.entries(mapping)) {
    const nodePath = at(at(path, 'mapping'), key);
    const node = object(nodeValue, nodePath);
    const parent = optionalString(node.parent, at(nodePath, 'parent'));
    const children = array(node.children ?? [], at(nodePath, 'children')).map((c, i) => string(c, at(at(nodePath, 'children'), i)));
    const content =
      node.message === null || node.message === undefined
        ? null
        : readMessage(object(node.message, at(nodePath, 'message')), at(nodePath, 'message'));
    if (content && typeof content === 'object' && content.model && (content.time ?? 0) >= modelTime) {
      model = content.model;
      modelTime = content.time ?? 0;
    }
    nodes.set(key, { parent, children, content: content && typeof content === 'object' ? content.message : content });
  }
  const skipped: ImportedConversation['skipped'] = {};
  const { messages, currentKey } = flattenSourceTree(nodes, current, skipped);
  return {
    format: 'chatgpt',
    sourceId,
    title: optionalString(raw.title, at(path, 'title')),
    model: modelOfThread(messages, currentKey) ?? optionalString(raw.default_model_slug, at(path, 'default_model_slug')) ?? model,
    createdAt: isoFromEpochSeconds(optionalNumber(raw.create_time, at(path, 'create_time'))),
    updatedAt: isoFromEpochSeconds(optionalNumber(raw.update_time, at(path, 'update_time'))),
    messages,
    currentKey,
    skipped,
  };
}

/** The model of the last reply on the thread the user saw last. */
function modelOfThread(messages: readonly ImportedMessage[], currentKey: string | null): string | null {
  const byKey = new Map(messages.map((m) => [m.key, m]));
  for (let m = currentKey === null ? undefined : byKey.get(currentKey); m; m = m.parentKey === null ? undefined : byKey.get(m.parentKey)) {
    if (m.role === 'assistant' && m.model) return m.model;
  }
  return null;
}

type Read = SkipReason | { message: NonNullable<Exclude<SourceNode['content'], string>>; model: string | null; time: number | null };

function readMessage(message: Obj, path: string): Read {
  const author = object(message.author, at(path, 'author'));
  const role = string(author.role, at(at(path, 'author'), 'role'));
  const content = object(message.content, at(path, 'content'));
  const contentType = string(content.content_type, at(at(path, 'content'), 'content_type'));
  const parts = content.parts === undefined || content.parts === null ? [] : array(content.parts, at(at(path, 'content'), 'parts'));
  const time = optionalNumber(message.create_time, at(path, 'create_time'));
  const metadata = message.metadata === undefined || message.metadata === null ? {} : object(message.metadata, at(path, 'metadata'));
  const model = optionalString(metadata.model_slug, at(at(path, 'metadata'), 'model_slug'));
  if (role === 'system') return 'system';
  if (role === 'tool') return 'tool';
  if (role !== 'user' && role !== 'assistant') return 'unknown_role';
  // An assistant message addressed to a tool (`recipient` other than `all`) is a tool call, not a reply.
  if (typeof message.recipient === 'string' && message.recipient !== 'all') return 'tool';
  if (contentType !== 'text' && contentType !== 'multimodal_text') return 'non_text';
  const texts = parts.filter((p): p is string => typeof p === 'string');
  const text = texts.join('\n').trim() === '' ? '' : texts.join('\n');
  if (text === '') return parts.length > texts.length ? 'non_text' : 'empty';
  return {
    message: { role, content: text, model: role === 'assistant' ? model : null, createdAt: isoFromEpochSeconds(time) },
    model: role === 'assistant' ? model : null,
    time,
  };
}
