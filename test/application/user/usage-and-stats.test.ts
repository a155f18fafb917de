import { expect } from 'chai';
import { TURN_LISTENERS, type TurnListener, type TurnOutcome } from '../../../src/application/chat/chat-turn';
import { GetConversationStats } from '../../../src/application/user/get-conversation-stats.use-case';
import { GetUsage } from '../../../src/application/user/get-usage.use-case';
import { CONVERSATION_INDEX, type ConversationIndex } from '../../../src/ports/conversation-index.port';
import { appErrorOf } from '../../support/expect-rejection';
import { seededContainer, type SeededContainer } from '../../support/seeded-container';

const zero = { requests: 0, completion_tokens: 0, cost_usd: 0, unpriced_completion_tokens: 0, requests_without_tokens: 0 };

/** Counts the index's activity reads, to see what the cache answers. */
function countingIndex(s: SeededContainer): { reads: () => number } {
  const inner = s.container.resolve<ConversationIndex>(CONVERSATION_INDEX);
  let reads = 0;
  const counted = Object.create(inner) as ConversationIndex;
  counted.messageActivity = (...args) => {
    reads += 1;
    return inner.messageActivity(...args);
  };
  s.container.registerInstance(CONVERSATION_INDEX, counted);
  return { reads: () => reads };
}

async function finishTurn(s: SeededContainer, userId: string): Promise<void> {
  for (const listener of s.container.resolve<TurnListener[]>(TURN_LISTENERS)) await listener.onTurnFinished(userId, {} as TurnOutcome);
}

describe('GetUsage on the known data set', () => {
  let s: SeededContainer;
  beforeEach(async () => {
    s = await seededContainer();
  });

  it('counts requests, tokens and cost per day, every day of the range', async () => {
    const usage = await s.container
      .resolve(GetUsage)
      .execute(s.data.alice, { date_from: '2026-01-10', date_to: '2026-01-20', group_by: 'day' });
    expect(usage.range).to.deep.equal({ from: '2026-01-10T00:00:00.000Z', until: '2026-01-21T00:00:00.000Z' });
    expect(usage).to.include({
      group_by: 'day',
      currency: 'USD',
      source: 'conversation_index',
      pricing_unavailable: false,
      truncated: false,
    });
    expect(usage.totals).to.deep.equal({
      requests: 7,
      completion_tokens: 5040,
      cost_usd: 0.0107,
      unpriced_completion_tokens: 3500,
      requests_without_tokens: 1,
    });
    expect(usage.items).to.have.length(11);
    const byDate = Object.fromEntries(usage.items.map((i) => ['date' in i ? i.date : '', i]));
    expect(byDate['2026-01-10']).to.deep.equal({
      date: '2026-01-10',
      requests: 1,
      completion_tokens: 1000,
      cost_usd: 0.01,
      unpriced_completion_tokens: 0,
      requests_without_tokens: 0,
    });
    expect(byDate['2026-01-11']).to.deep.equal({ date: '2026-01-11', ...zero });
    expect(byDate['2026-01-12']).to.deep.equal({
      date: '2026-01-12',
      requests: 2,
      completion_tokens: 500,
      cost_usd: 0.0003,
      unpriced_completion_tokens: 0,
      requests_without_tokens: 1,
    });
    expect(byDate['2026-01-14']).to.deep.equal({
      date: '2026-01-14',
      requests: 2,
      completion_tokens: 3500,
      cost_usd: 0,
      unpriced_completion_tokens: 3500,
      requests_without_tokens: 0,
    });
    expect(byDate['2026-01-18']).to.deep.include({ requests: 1, completion_tokens: 30, cost_usd: 0.0003 });
  });

  it('groups per model, most requests first', async () => {
    const usage = await s.container
      .resolve(GetUsage)
      .execute(s.data.alice, { date_from: '2026-01-01', date_to: '2026-01-31', group_by: 'model' });
    expect(usage.items).to.deep.equal([
      {
        model: 'gpt-4o',
        requests: 3,
        completion_tokens: 1040,
        cost_usd: 0.0104,
        unpriced_completion_tokens: 0,
        requests_without_tokens: 0,
      },
      {
        model: 'claude-3-5-sonnet',
        requests: 2,
        completion_tokens: 3500,
        cost_usd: 0,
        unpriced_completion_tokens: 3500,
        requests_without_tokens: 0,
      },
      {
        model: 'gpt-4o-mini',
        requests: 2,
        completion_tokens: 500,
        cost_usd: 0.0003,
        unpriced_completion_tokens: 0,
        requests_without_tokens: 1,
      },
    ]);
  });

  it('defaults to the last 30 days up to today, and counts only the range and the caller', async () => {
    const usage = await s.container.resolve(GetUsage).execute(s.data.alice, {});
    expect(usage.range).to.deep.equal({ from: '2025-12-23T00:00:00.000Z', until: '2026-01-22T00:00:00.000Z' });
    expect(usage.items).to.have.length(30);
    expect(usage.totals.requests).to.equal(7);
    const narrow = await s.container.resolve(GetUsage).execute(s.data.alice, { date_from: '2026-01-13', date_to: '2026-01-16' });
    expect(narrow.totals).to.deep.include({ requests: 3, completion_tokens: 3510 });
    const bob = await s.container
      .resolve(GetUsage)
      .execute(s.data.bob, { date_from: '2026-01-01', date_to: '2026-01-31', group_by: 'model' });
    expect(bob.totals).to.deep.include({ requests: 1, completion_tokens: 999, cost_usd: 0.00999 });
  });

  it('still answers when the model catalogue is down, with nothing priced', async () => {
    s.catalog.failWith = new Error('LiteLLM down');
    const usage = await s.container.resolve(GetUsage).execute(s.data.alice, { date_from: '2026-01-10', date_to: '2026-01-20' });
    expect(usage.pricing_unavailable).to.equal(true);
    expect(usage.totals).to.deep.include({ cost_usd: 0, unpriced_completion_tokens: 5040 });
  });

  it('rejects an inverted range and a range over 366 days with 422', async () => {
    const usage = s.container.resolve(GetUsage);
    const inverted = await appErrorOf(usage.execute(s.data.alice, { date_from: '2026-01-20', date_to: '2026-01-10' }), 'VALIDATION_ERROR');
    expect((inverted.details?.fields as { path: string }[]).map((f) => f.path)).to.deep.equal(['date_from', 'date_to']);
    const long = await appErrorOf(usage.execute(s.data.alice, { date_from: '2025-01-01', date_to: '2026-01-02' }), 'VALIDATION_ERROR');
    expect((long.details?.fields as { path: string }[]).map((f) => f.path)).to.deep.equal(['date_to']);
    await usage.execute(s.data.alice, { date_from: '2025-01-01', date_to: '2025-12-31' });
  });

  it('is cached, and a finished chat drops the cached report', async () => {
    const { reads } = countingIndex(s);
    const usage = s.container.resolve(GetUsage);
    const input = { date_from: '2026-01-10', date_to: '2026-01-20' };
    await usage.execute(s.data.alice, input);
    await usage.execute(s.data.alice, input);
    expect(reads()).to.equal(1);
    await finishTurn(s, s.data.alice.userId);
    await usage.execute(s.data.alice, input);
    expect(reads()).to.equal(2);
  });
});

describe('GetConversationStats on the known data set', () => {
  let s: SeededContainer;
  beforeEach(async () => {
    s = await seededContainer();
  });

  it('counts conversations, messages, branches, per model, and the last 30 days', async () => {
    const stats = await s.container.resolve(GetConversationStats).execute(s.data.alice);
    expect(stats).to.deep.include({ conversations: 6, messages: 13, branches: 7, truncated: false });
    expect(stats.by_model).to.deep.equal([
      { model: 'gpt-4o', conversations: 3, messages: 6 },
      { model: 'gpt-4o-mini', conversations: 2, messages: 4 },
      { model: 'claude-3-5-sonnet', conversations: 1, messages: 3 },
    ]);
    const recent = stats.recent_activity;
    expect(recent).to.deep.include({
      window_days: 30,
      last_activity_at: '2026-01-20T10:01:00.000Z',
      active_conversations: 6,
      conversations_created: 6,
      messages: 13,
    });
    expect(recent.days).to.have.length(30);
    expect(recent.days[0]!.date).to.equal('2025-12-23');
    expect(recent.days.at(-1)!.date).to.equal('2026-01-21');
    expect(recent.days.filter((d) => d.conversations_created + d.messages > 0)).to.deep.equal([
      { date: '2026-01-10', conversations_created: 1, messages: 2 },
      { date: '2026-01-12', conversations_created: 1, messages: 4 },
      { date: '2026-01-14', conversations_created: 1, messages: 3 },
      { date: '2026-01-16', conversations_created: 1, messages: 2 },
      { date: '2026-01-18', conversations_created: 1, messages: 2 },
      { date: '2026-01-20', conversations_created: 1, messages: 0 },
    ]);
    const bob = await s.container.resolve(GetConversationStats).execute(s.data.bob);
    expect(bob).to.deep.include({ conversations: 1, messages: 2, branches: 1 });
  });

  it('counts only the last 30 days as recent', async () => {
    s.clock.freeze('2026-02-13T12:00:00.000Z');
    const stats = await s.container.resolve(GetConversationStats).execute(s.data.alice);
    expect(stats.recent_activity).to.deep.include({ active_conversations: 3, conversations_created: 3, messages: 4 });
    expect(stats.conversations).to.equal(6);
  });
});
