import type { Message } from '../../domain/conversation/conversation';
import { instantMs } from '../../domain/time/date-range';
import type { ExportMeta, ExportSummary, ExportWriter } from './export-writer';
import type { ExportedConversation } from './exported-conversation';

const ROLE_LABEL: Record<Message['role'], string> = { user: 'User', assistant: 'Assistant', system: 'System' };

/** `2026-01-15 09:30 UTC`: what a reader wants, not what a parser wants. */
function when(timestamp: string): string {
  const ms = instantMs(timestamp);
  if (Number.isNaN(ms)) return timestamp;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function titleOf(conversation: ExportedConversation['conversation']): string {
  return oneLine(conversation.title ?? '') || 'Untitled conversation';
}

/**
 * A message body as written, so code, lists and headings of the reply render as the user saw
 * them; a code fence left open would swallow the rest of the file, so it is closed.
 */
function body(content: string): string {
  const text = content.replace(/\s+$/, '');
  if (text === '') return '_(empty message)_';
  const fences = text.split('\n').filter((line) => /^\s{0,3}(```|~~~)/.test(line)).length;
  return fences % 2 === 1 ? `${text}\n\`\`\`` : text;
}

function messageBlock(m: Message, level: string): string {
  const model = m.role === 'assistant' && m.model ? ` (${m.model})` : '';
  return `${level} ${ROLE_LABEL[m.role]}${model} · ${when(m.created_at)}\n\n${body(m.content)}\n\n`;
}

function excerpt(text: string): string {
  const line = oneLine(text);
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/**
 * Markdown meant to be read: a title and a short header, then per conversation a `##` heading
 * with its title, a list of its facts (model, dates, id), and its messages as `###` headings
 * with role, model and time. With every branch, each branch is a `###` section (the active one
 * marked) holding its own messages as `####`, with a line saying where it forked from.
 */
export class MarkdownExportWriter implements ExportWriter {
  readonly contentType = 'text/markdown; charset=utf-8';
  readonly extension = 'md';
  private readonly problems: string[] = [];
  private exported = 0;

  begin(meta: ExportMeta): string {
    const count = meta.requested === null ? 'all' : `${meta.requested} requested`;
    const branches = meta.branches === 'all' ? 'all branches' : 'active branch only';
    return `# Conversation export\n\n- **Exported:** ${when(meta.exported_at)}\n- **Conversations:** ${count}\n- **Branches:** ${branches}\n\n`;
  }

  conversation(c: ExportedConversation, meta: ExportMeta): string {
    this.exported += 1;
    const conv = c.conversation;
    const facts = [
      `- **Model:** ${conv.model ?? 'not set'}`,
      `- **Created:** ${when(conv.created_at)}`,
      `- **Updated:** ${when(conv.updated_at)}`,
      `- **Messages:** ${c.messages.length}`,
      `- **Conversation id:** \`${conv.id}\``,
    ].join('\n');
    let out = `---\n\n## ${titleOf(conv)}\n\n${facts}\n\n`;
    if (meta.branches === 'active') {
      if (c.messages.length === 0) out += '_No messages yet._\n\n';
      for (const m of c.messages) out += messageBlock(m, '###');
      return out;
    }
    const byId = new Map(c.messages.map((m) => [m.id, m]));
    for (const branch of c.branches) {
      out += `### Branch: ${oneLine(branch.name) || 'Unnamed'}${branch.is_active ? ' (active)' : ''}\n\n`;
      const fork = branch.parent_message_id ? byId.get(branch.parent_message_id) : undefined;
      if (fork)
        out += `_Forked after the ${ROLE_LABEL[fork.role].toLowerCase()} message of ${when(fork.created_at)}: “${excerpt(fork.content)}”_\n\n`;
      const own = c.messages.filter((m) => m.branch_id === branch.id);
      if (own.length === 0) out += '_No messages on this branch yet._\n\n';
      for (const m of own) out += messageBlock(m, '####');
    }
    return out;
  }

  notFound(id: string): string {
    this.problems.push(`- \`${id}\`: not found`);
    return '';
  }

  failed(id: string, error: { code: string; message: string }): string {
    this.problems.push(`- \`${id}\`: not exported (${error.code}: ${oneLine(error.message)})`);
    return '';
  }

  end(summary: ExportSummary): string {
    let out = '---\n\n';
    if (this.problems.length > 0) out += `## Not exported\n\n${this.problems.join('\n')}\n\n`;
    const n = summary.exported;
    out += `_End of export: ${n} conversation${n === 1 ? '' : 's'} exported._\n`;
    return out;
  }
}
