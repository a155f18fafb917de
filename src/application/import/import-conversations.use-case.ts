import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { AppError, isAppError } from '../../domain/errors/app-error';
import type { ImportedConversation, ImportFormat } from '../../domain/import/imported-conversation';
import type { UserContext } from '../../domain/user/user-context';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { CONVERSATION_INDEX, type ConversationIndex } from '../../ports/conversation-index.port';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';
import { IMPORT_LEDGER, type ImportLedger } from '../../ports/import-ledger.port';
import { LOGGER, type Logger } from '../../ports/logger.port';
import { CHAT_POLICY, type ChatPolicy } from '../chat/chat-policy';
import { itemError } from '../shared/item-error';
import { writeImportedConversation } from './conversation-writer';
import { addToTotals, emptyTotals, type ImportEvent, type ImportReport, type ImportResult } from './import-report';
import { detectFormat, readConversation } from './read-conversation';

/** The conversations of an uploaded file, readable more than once (the file is kept until the import ends). */
export interface ImportFile {
  /** `array`: a list of conversations (ChatGPT, Claude); `object`: the gateway's export document. */
  shape: 'array' | 'object';
  /**
   * The list's elements with their paths, read afresh from the start on each call, one at a time.
   * A syntax error is thrown as a VALIDATION_ERROR naming the element it is in.
   */
  elements(): AsyncIterable<{ value: unknown; path: string }>;
}

export interface ImportOptions {
  format?: ImportFormat;
  signal?: AbortSignal;
  /** Called once the file is known to be valid (`start`), after each conversation and at the end. */
  onEvent?: (event: ImportEvent) => Promise<void> | void;
}

/** Hash of the source format and id: what the ledger keeps (the source id itself is not stored). */
export function importFingerprint(format: ImportFormat, sourceId: string): string {
  return createHash('sha256').update(`${format}\u0000${sourceId}`).digest('hex');
}

/**
 * Imports the conversations of a ChatGPT, Claude or gateway export. The file is read twice, one
 * element at a time (memory holds one conversation, whatever the file's size): first every
 * conversation is checked, so a malformed file is refused (422, the first bad path) before anything
 * is written; then each is written through the ConversationStore port. A conversation whose writing
 * fails is removed again (ConversationIndex), so it is never left half-written; the others go on.
 * A source conversation already imported (the ledger), or still present as the same conversation
 * (the gateway's own export), is skipped.
 */
@injectable()
export class ImportConversations {
  constructor(
    @inject(CONVERSATION_STORE) private readonly store: ConversationStore,
    @inject(CONVERSATION_INDEX) private readonly index: ConversationIndex,
    @inject(IMPORT_LEDGER) private readonly ledger: ImportLedger,
    @inject(CHAT_POLICY) private readonly policy: ChatPolicy,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(user: UserContext, file: ImportFile, options: ImportOptions = {}): Promise<ImportReport> {
    const { format, total } = await this.check(file, options.format);
    await options.onEvent?.({ type: 'start', format, total });
    const report: ImportReport = { format, conversations: [], totals: emptyTotals() };
    let index = 0;
    for await (const { value, path } of file.elements()) {
      if (options.signal?.aborted) break;
      const result = await this.importOne(user, readConversation(format, value, path), index);
      index += 1;
      report.conversations.push(result);
      addToTotals(report.totals, result);
      await options.onEvent?.({ type: 'conversation', ...result });
    }
    await options.onEvent?.({ type: 'end', format, totals: report.totals });
    return report;
  }

  /** The first pass: every conversation must read, in the format given or detected from the first. */
  private async check(file: ImportFile, given: ImportFormat | undefined): Promise<{ format: ImportFormat; total: number }> {
    let format = given ?? (file.shape === 'object' ? 'gateway' : undefined);
    if (given && given !== 'gateway' && file.shape === 'object') {
      throw new AppError('VALIDATION_ERROR', `A ${given} export is a list of conversations; this file is an object`, {
        details: { fields: [{ path: '(root)', message: 'must be an array', location: 'body' }] },
      });
    }
    let total = 0;
    for await (const { value, path } of file.elements()) {
      format ??= detectFormat(file.shape, value, path);
      readConversation(format, value, path);
      total += 1;
    }
    return { format: format ?? 'chatgpt', total };
  }

  private async importOne(user: UserContext, source: ImportedConversation, index: number): Promise<ImportResult> {
    const base = { index, source_id: source.sourceId, title: source.title, skipped_nodes: source.skipped };
    const fingerprint = importFingerprint(source.format, source.sourceId);
    let createdId: string | undefined;
    try {
      const earlier = await this.earlierImport(user, source, fingerprint);
      if (earlier) return { ...base, status: 'skipped', reason: 'already_imported', conversation_id: earlier };
      if (source.messages.length === 0) return { ...base, status: 'skipped', reason: 'empty' };
      const written = await writeImportedConversation(this.store, user, source, this.policy.defaultModel, (id) => (createdId = id));
      await this.ledger.record(user, {
        fingerprint,
        conversation_id: written.conversation_id,
        imported_at: this.clock.now().toISOString(),
      });
      return { ...base, status: 'imported', ...written };
    } catch (err) {
      const { code, message } = itemError(err, this.logger, { index, operation: 'import' });
      const left = createdId === undefined ? undefined : await this.remove(user, createdId);
      return { ...base, status: 'failed', code, message, ...(left ? { conversation_id: left } : {}) };
    }
  }

  /** The conversation an earlier import made of this source, when it still exists. */
  private async earlierImport(user: UserContext, source: ImportedConversation, fingerprint: string): Promise<string | undefined> {
    const [entry] = await this.ledger.find(user, [fingerprint]);
    const candidates = [entry?.conversation_id, source.format === 'gateway' ? source.sourceId : undefined];
    for (const id of candidates) {
      if (id !== undefined && (await this.exists(user, id))) return id;
    }
    return undefined;
  }

  private async exists(user: UserContext, conversationId: string): Promise<boolean> {
    try {
      await this.store.getConversation(user, conversationId);
      return true;
    } catch (err) {
      if (isAppError(err) && (err.code === 'NOT_FOUND' || err.code === 'VALIDATION_ERROR')) return false;
      throw err;
    }
  }

  /** Removes a partly written conversation; answers its id when that failed too (the caller reports it). */
  private async remove(user: UserContext, conversationId: string): Promise<string | undefined> {
    try {
      const deleted = await this.index.deleteConversations(user, [conversationId]);
      if (deleted.includes(conversationId)) return undefined;
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message }, conversation_id: conversationId }, 'could not remove a failed import');
    }
    return conversationId;
  }
}
