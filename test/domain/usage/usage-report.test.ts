import { expect } from 'chai';
import { conversationStats } from '../../../src/domain/usage/conversation-stats';
import { usageReport, type UsageRecord } from '../../../src/domain/usage/usage-report';

const prices = new Map<string, number | null>([
  ['gpt-4o', 10],
  ['cheap', 0.1],
  ['unpriced', null],
]);

describe('usage report', () => {
  const records: UsageRecord[] = [
    { model: 'gpt-4o', tokens_count: 1000, created_at: '2026-01-10T10:00:00Z' },
    { model: 'cheap', tokens_count: 1, created_at: '2026-01-10T23:59:59.999+00:00' },
    { model: 'cheap', tokens_count: 2, created_at: '2026-01-12T00:00:00Z' },
    { model: 'unpriced', tokens_count: 70, created_at: '2026-01-12T01:00:00Z' },
    { model: null, tokens_count: 5, created_at: '2026-01-12T02:00:00Z' },
    { model: 'gpt-4o', tokens_count: null, created_at: '2026-01-12T03:00:00Z' },
  ];

  it('groups per UTC day, every day of the range, with exact money', () => {
    const report = usageReport(records, {
      groupBy: 'day',
      from: '2026-01-10T00:00:00Z',
      until: '2026-01-13T00:00:00Z',
      outputPricePer1m: prices,
    });
    expect(report.items).to.deep.equal([
      {
        date: '2026-01-10',
        requests: 2,
        completion_tokens: 1001,
        cost_usd: 0.01,
        unpriced_completion_tokens: 0,
        requests_without_tokens: 0,
      },
      { date: '2026-01-11', requests: 0, completion_tokens: 0, cost_usd: 0, unpriced_completion_tokens: 0, requests_without_tokens: 0 },
      { date: '2026-01-12', requests: 4, completion_tokens: 77, cost_usd: 0, unpriced_completion_tokens: 75, requests_without_tokens: 1 },
    ]);
    expect(report.totals).to.deep.equal({
      requests: 6,
      completion_tokens: 1078,
      cost_usd: 0.01,
      unpriced_completion_tokens: 75,
      requests_without_tokens: 1,
    });
  });

  it('groups per model, most requests first; replies without a model are "unknown"', () => {
    const report = usageReport(records, {
      groupBy: 'model',
      from: '2026-01-10T00:00:00Z',
      until: '2026-01-13T00:00:00Z',
      outputPricePer1m: prices,
    });
    expect(report.items.map((i) => ['model' in i ? i.model : '', i.requests, i.completion_tokens])).to.deep.equal([
      ['cheap', 2, 3],
      ['gpt-4o', 2, 1000],
      ['unknown', 1, 5],
      ['unpriced', 1, 70],
    ]);
  });

  it('rounds money to the micro-dollar', () => {
    const many = Array.from({ length: 3 }, () => ({ model: 'cheap', tokens_count: 1, created_at: '2026-01-10T00:00:00Z' }));
    const report = usageReport(many, {
      groupBy: 'model',
      from: '2026-01-10T00:00:00Z',
      until: '2026-01-11T00:00:00Z',
      outputPricePer1m: new Map([['cheap', 0.1]]),
    });
    expect(report.totals.cost_usd).to.equal(0);
    const tenth = usageReport([{ model: 'x', tokens_count: 3_000_000, created_at: '2026-01-10T00:00:00Z' }], {
      groupBy: 'day',
      from: '2026-01-10T00:00:00Z',
      until: '2026-01-11T00:00:00Z',
      outputPricePer1m: new Map([['x', 0.1]]),
    });
    expect(tenth.totals.cost_usd).to.equal(0.3);
  });
});

describe('conversation statistics', () => {
  it('counts totals, per model, and the activity of the window', () => {
    const stats = conversationStats(
      [
        { model: 'a', message_count: 4, branch_count: 1, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-20T10:00:00Z' },
        { model: 'b', message_count: 2, branch_count: 2, created_at: '2026-01-19T00:00:00Z', updated_at: '2026-01-19T05:00:00Z' },
        { model: 'a', message_count: 0, branch_count: 1, created_at: '2026-01-20T08:00:00Z', updated_at: '2026-01-20T08:00:00Z' },
      ],
      [{ created_at: '2026-01-19T01:00:00Z' }, { created_at: '2026-01-20T09:00:00Z' }, { created_at: '2026-01-20T09:30:00Z' }],
      { nowMs: Date.parse('2026-01-20T12:00:00Z'), windowDays: 3 },
    );
    expect(stats).to.deep.equal({
      conversations: 3,
      messages: 6,
      branches: 4,
      by_model: [
        { model: 'a', conversations: 2, messages: 4 },
        { model: 'b', conversations: 1, messages: 2 },
      ],
      recent_activity: {
        window_days: 3,
        last_activity_at: '2026-01-20T10:00:00Z',
        active_conversations: 3,
        conversations_created: 2,
        messages: 3,
        days: [
          { date: '2026-01-18', conversations_created: 0, messages: 0 },
          { date: '2026-01-19', conversations_created: 1, messages: 1 },
          { date: '2026-01-20', conversations_created: 1, messages: 2 },
        ],
      },
    });
  });

  it('is all zeros without conversations', () => {
    const stats = conversationStats([], [], { nowMs: Date.parse('2026-01-20T12:00:00Z'), windowDays: 2 });
    expect(stats.recent_activity).to.deep.include({ last_activity_at: null, active_conversations: 0 });
    expect(stats.by_model).to.deep.equal([]);
  });
});
