import { inject, injectable } from 'tsyringe';
import type { ConversationFull } from '../../domain/conversation/conversation';
import { isAppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { CONVERSATION_INDEX, type ConversationIndex } from '../../ports/conversation-index.port';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';
import { LOGGER, type Logger } from '../../ports/logger.port';
import { uniqueIds } from '../conversations/id-list';
import { itemError } from '../shared/item-error';
import { exportWriter } from './export-formats';
import type { ExportFormat, ExportMeta } from './export-writer';
import { exportedConversation, type ExportBranches } from './exported-conversation';

export interface ExportInput {
  /** Absent: every conversation of the caller, oldest first. */
  ids?: string[];
  format: ExportFormat;
  branches: ExportBranches;
}

export interface ExportDownload {
  contentType: string;
  filename: string;
  /**
   * The document, piece by piece. Pulling the next piece is what fetches the next conversation, so
   * a consumer that waits for its output to drain before pulling holds one conversation at a time.
   */
  chunks: AsyncIterable<string>;
}

/** Conversation ids read per index page when exporting everything. */
const ID_PAGE = 1000;

/**
 * Exports conversations as JSON, NDJSON or Markdown, built conversation by conversation: fetch
 * one full conversation (ConversationStore), turn it into text, hand the text over, and only when
 * the consumer asks for more fetch the next. Memory therefore holds one conversation and the list
 * of ids, however large the export. An id that is unknown or another user's is reported in the
 * document and the export goes on; so does a conversation the upstream fails to deliver.
 */
@injectable()
export class ExportConversations {
  constructor(
    @inject(CONVERSATION_STORE) private readonly store: ConversationStore,
    @inject(CONVERSATION_INDEX) private readonly index: ConversationIndex,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Checks the request and settles the id list, so a failure here is still a plain HTTP error. */
  async start(user: UserContext, input: ExportInput, signal?: AbortSignal): Promise<ExportDownload> {
    const ids = input.ids === undefined ? await this.allIds(user) : uniqueIds(input.ids, (i) => `ids.${i}`);
    const writer = exportWriter(input.format);
    const now = this.clock.now();
    const meta: ExportMeta = {
      format: input.format,
      branches: input.branches,
      exported_at: now.toISOString(),
      requested: input.ids === undefined ? null : ids.length,
    };
    const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    return {
      contentType: writer.contentType,
      filename: `conversations-${stamp}.${writer.extension}`,
      chunks: this.generate(user, ids, meta, writer, signal),
    };
  }

  private async *generate(
    user: UserContext,
    ids: readonly string[],
    meta: ExportMeta,
    writer: ReturnType<typeof exportWriter>,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<string> {
    const summary = { exported: 0, not_found: 0, failed: 0 };
    yield writer.begin(meta);
    for (const id of ids) {
      if (signal?.aborted) return;
      let full: ConversationFull;
      try {
        full = await this.store.getConversationFull(user, id);
      } catch (err) {
        if (isAppError(err) && err.code === 'NOT_FOUND') {
          summary.not_found += 1;
          yield writer.notFound(id);
        } else {
          summary.failed += 1;
          yield writer.failed(id, itemError(err, this.logger, { request_id: user.requestId, conversation_id: id }));
        }
        continue;
      }
      summary.exported += 1;
      yield writer.conversation(exportedConversation(full, meta.branches), meta);
    }
    yield writer.end(summary);
  }

  /** Every conversation id of the user, oldest first: creation order does not move while a chat goes on. */
  private async allIds(user: UserContext): Promise<string[]> {
    const ids: string[] = [];
    for (;;) {
      const page = await this.index.listConversations(user, {}, 'created_at.asc', { offset: ids.length, limit: ID_PAGE });
      ids.push(...page.items.map((c) => c.id));
      if (page.items.length === 0 || ids.length >= page.total) return ids;
    }
  }
}
