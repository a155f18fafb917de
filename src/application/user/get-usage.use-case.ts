import { inject, injectable } from 'tsyringe';
import { AppError } from '../../domain/errors/app-error';
import { addDays, instantMs, parseDateRange, startOfUtcDay } from '../../domain/time/date-range';
import { usageReport, type UsageFigures, type UsageGrouping, type UsageItem } from '../../domain/usage/usage-report';
import type { UserContext } from '../../domain/user/user-context';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { CONVERSATION_INDEX, type ConversationIndex } from '../../ports/conversation-index.port';
import { LOGGER, type Logger } from '../../ports/logger.port';
import { ConversationActivityCache } from '../conversations/conversation-activity-cache';
import { CONVERSATION_INDEX_POLICY, type ConversationIndexPolicy } from '../conversations/conversation-index-policy';
import { ModelCatalogReader } from '../models/model-catalog-reader';

export interface UsageInput {
  date_from?: string;
  date_to?: string;
  group_by?: UsageGrouping;
}

export interface Usage {
  /** `[from, until)`, UTC. */
  range: { from: string; until: string };
  group_by: UsageGrouping;
  currency: 'USD';
  /** Where the figures come from (see the route's description). */
  source: 'conversation_index';
  /** The model catalogue could not be read: nothing was priced. */
  pricing_unavailable: boolean;
  /** More replies fell in the range than the report reads; the figures cover the oldest ones. */
  truncated: boolean;
  totals: UsageFigures;
  items: UsageItem[];
}

/** Default range: the last 30 UTC days, today included. */
const DEFAULT_DAYS = 30;
/** Longest range: a year, leap day included. */
const MAX_DAYS = 366;

/**
 * Requests, tokens and cost of the caller's chats over a date range, per UTC day or per model.
 * The figures come from the conversation index: every saved assistant reply is one request, its
 * `tokens_count` (the completion tokens the chat flow saved) its tokens, priced with the output
 * price of its model in the model catalogue. Prompt tokens are not stored with messages, so they
 * are not part of it: the authoritative money figure is the balance (`spend`).
 */
@injectable()
export class GetUsage {
  constructor(
    @inject(CONVERSATION_INDEX) private readonly index: ConversationIndex,
    @inject(ModelCatalogReader) private readonly catalog: ModelCatalogReader,
    @inject(ConversationActivityCache) private readonly cache: ConversationActivityCache,
    @inject(CONVERSATION_INDEX_POLICY) private readonly policy: ConversationIndexPolicy,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(user: UserContext, input: UsageInput): Promise<Usage> {
    const given = parseDateRange(input);
    const until = given.until ?? new Date(addDays(startOfUtcDay(this.clock.nowMs()), 1)).toISOString();
    const from = given.from ?? new Date(addDays(startOfUtcDay(instantMs(until) - 1), -(DEFAULT_DAYS - 1))).toISOString();
    if (instantMs(from) >= instantMs(until)) {
      throw new AppError('VALIDATION_ERROR', 'The request is invalid', {
        details: {
          fields: [{ path: 'date_from', message: 'must be before date_to (or before today when date_to is absent)', location: 'query' }],
        },
      });
    }
    if (instantMs(until) - instantMs(from) > MAX_DAYS * 86_400_000) {
      throw new AppError('VALIDATION_ERROR', 'The request is invalid', {
        details: { fields: [{ path: 'date_to', message: `the range must not be longer than ${MAX_DAYS} days`, location: 'query' }] },
      });
    }
    const groupBy = input.group_by ?? 'day';
    return this.cache.get(user.userId, `usage:${groupBy}:${from}:${until}`, () => this.compute(user, from, until, groupBy));
  }

  private async compute(user: UserContext, from: string, until: string, groupBy: UsageGrouping): Promise<Usage> {
    const replies = await this.index.messageActivity(user, { created: { from, until }, role: 'assistant' }, this.policy.activityMaxRows);
    const prices = new Map<string, number | null>();
    let pricingUnavailable = false;
    try {
      for (const model of (await this.catalog.read()).models) prices.set(model.id, model.pricing.output_per_1m);
    } catch (err) {
      pricingUnavailable = true;
      this.logger.warn(
        { error: (err as { code?: string }).code ?? String(err), request_id: user.requestId },
        'usage report without prices',
      );
    }
    const report = usageReport(replies.items, { groupBy, from, until, outputPricePer1m: prices });
    return {
      range: { from, until },
      group_by: groupBy,
      currency: 'USD',
      source: 'conversation_index',
      pricing_unavailable: pricingUnavailable,
      truncated: replies.truncated,
      ...report,
    };
  }
}
