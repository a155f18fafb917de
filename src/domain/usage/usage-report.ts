import { addDays, instantMs, startOfUtcDay, utcDay } from '../time/date-range';

/** One saved assistant reply: one completed model call. */
export interface UsageRecord {
  model: string | null;
  /** Completion tokens of the reply, as the chat flow saved them; null when unknown (e.g. an interrupted reply). */
  tokens_count: number | null;
  created_at: string;
}

export type UsageGrouping = 'day' | 'model';

export interface UsageFigures {
  requests: number;
  completion_tokens: number;
  /** Completion tokens times the model's output price; tokens of unpriced models add nothing. */
  cost_usd: number;
  /** Completion tokens of models the catalogue has no output price for. */
  unpriced_completion_tokens: number;
  /** Replies saved without a token count (interrupted streams, upstreams that sent no usage). */
  requests_without_tokens: number;
}

export type UsageItem = UsageFigures & ({ date: string } | { model: string });

export interface UsageReport {
  items: UsageItem[];
  totals: UsageFigures;
}

/** The model of replies saved without one. */
export const UNKNOWN_MODEL = 'unknown';

function empty(): UsageFigures {
  return { requests: 0, completion_tokens: 0, cost_usd: 0, unpriced_completion_tokens: 0, requests_without_tokens: 0 };
}

function add(into: UsageFigures, record: UsageRecord, pricePer1m: number | null | undefined): void {
  into.requests += 1;
  if (record.tokens_count === null) {
    into.requests_without_tokens += 1;
    return;
  }
  into.completion_tokens += record.tokens_count;
  if (pricePer1m === null || pricePer1m === undefined) into.unpriced_completion_tokens += record.tokens_count;
  else into.cost_usd += (record.tokens_count * pricePer1m) / 1_000_000;
}

/** Money in USD to the micro-dollar: sums of float products must not show noise like 0.30000000000000004. */
function rounded(figures: UsageFigures): UsageFigures {
  return { ...figures, cost_usd: Math.round(figures.cost_usd * 1e6) / 1e6 };
}

/**
 * Requests, tokens and cost of the replies in `[from, until)`, grouped per UTC day (every day of
 * the range, empty ones included, oldest first) or per model (most requests first). `outputPricePer1m`
 * maps a model id to its USD price per million output tokens (null: unknown).
 */
export function usageReport(
  records: readonly UsageRecord[],
  options: { groupBy: UsageGrouping; from: string; until: string; outputPricePer1m: ReadonlyMap<string, number | null> },
): UsageReport {
  const totals = empty();
  const groups = new Map<string, UsageFigures>();
  if (options.groupBy === 'day') {
    const last = instantMs(options.until) - 1;
    for (let day = startOfUtcDay(instantMs(options.from)); day <= last; day = addDays(day, 1)) groups.set(utcDay(day), empty());
  }
  for (const record of records) {
    const model = record.model ?? UNKNOWN_MODEL;
    const price = options.outputPricePer1m.get(model);
    const key = options.groupBy === 'day' ? utcDay(instantMs(record.created_at)) : model;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = empty()));
    add(group, record, price);
    add(totals, record, price);
  }
  const entries = [...groups.entries()];
  const items: UsageItem[] =
    options.groupBy === 'day'
      ? entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, figures]) => ({ date, ...rounded(figures) }))
      : entries
          .sort(([a, x], [b, y]) => y.requests - x.requests || (a < b ? -1 : 1))
          .map(([model, figures]) => ({ model, ...rounded(figures) }));
  return { items, totals: rounded(totals) };
}
