import { expect } from 'chai';
import { BatchDeleteConversations } from '../../../src/application/conversations/batch-delete-conversations.use-case';
import { BatchUpdateConversations } from '../../../src/application/conversations/batch-update-conversations.use-case';
import { AppError } from '../../../src/domain/errors/app-error';
import { GetConversationStats } from '../../../src/application/user/get-conversation-stats.use-case';
import { CONVERSATION_STORE, type ConversationStore } from '../../../src/ports/conversation-store.port';
import { appErrorOf } from '../../support/expect-rejection';
import { seededContainer, type SeededContainer } from '../../support/seeded-container';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** A store that delays every update, counts how many are in flight, and fails the ids it is told to. */
function instrumented(inner: ConversationStore, failing: Set<string>): { store: ConversationStore; maxInFlight: () => number } {
  let inFlight = 0;
  let max = 0;
  const store = Object.create(inner) as ConversationStore;
  store.updateConversation = async (user, id, input) => {
    inFlight += 1;
    max = Math.max(max, inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      if (failing.has(id)) throw new AppError('UPSTREAM_UNAVAILABLE', 'The Edge Function is unavailable');
      return await inner.updateConversation(user, id, input);
    } finally {
      inFlight -= 1;
    }
  };
  return { store, maxInFlight: () => max };
}

describe('BatchUpdateConversations', () => {
  let s: SeededContainer;
  beforeEach(async () => {
    s = await seededContainer();
  });

  it('renames ten conversations in one call', async () => {
    const { data, store } = s;
    const many = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.createConversation(data.alice, { title: `c${i}`, model: 'gpt-4o' })),
    );
    const outcome = await s.container.resolve(BatchUpdateConversations).execute(
      data.alice,
      many.map((c, i) => ({ id: c.id, title: `Renamed ${i}` })),
    );
    expect(outcome).to.include({ succeeded: 10, failed: 0 });
    for (const [i, c] of many.entries()) expect((await store.getConversation(data.alice, c.id)).title).to.equal(`Renamed ${i}`);
    expect(outcome.results[3]).to.deep.include({ id: many[3]!.id, ok: true });
    expect(outcome.results[3]!.conversation?.title).to.equal('Renamed 3');
  });

  it('reports every item, in order, without stopping at failures, and keeps at most BATCH_CONCURRENCY calls in flight', async () => {
    s = await seededContainer({ BATCH_CONCURRENCY: '3' });
    const { data, store } = s;
    const extra = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.createConversation(data.alice, { title: `x${i}`, model: 'gpt-4o' })),
    );
    const { store: slow, maxInFlight } = instrumented(store, new Set([extra[5]!.id]));
    s.container.registerInstance(CONVERSATION_STORE, slow);
    const items = [
      { id: data.tbilisi.id, title: 'Tbilisi, three days' },
      { id: data.bobs.id, title: 'Mine now' },
      { id: UNKNOWN, model: 'gpt-4o' },
      { id: data.budget.id, title: '   ' },
      { id: data.fortress.id.toUpperCase(), model: 'gpt-4o-mini' },
      ...extra.map((c) => ({ id: c.id, title: `${c.title} renamed` })),
    ];
    const outcome = await s.container.resolve(BatchUpdateConversations).execute(data.alice, items);
    expect(outcome.results.map((r) => [r.id, r.ok, r.error?.code ?? null])).to.deep.equal([
      [data.tbilisi.id, true, null],
      [data.bobs.id, false, 'NOT_FOUND'],
      [UNKNOWN, false, 'NOT_FOUND'],
      [data.budget.id, false, 'VALIDATION_ERROR'],
      [data.fortress.id, true, null],
      ...extra.map((c, i) => [c.id, i !== 5, i === 5 ? 'UPSTREAM_UNAVAILABLE' : null]),
    ]);
    expect(outcome).to.include({ succeeded: 13, failed: 4 });
    expect(maxInFlight()).to.equal(3);
    expect((await store.getConversation(data.bob, data.bobs.id)).title).to.equal('Tbilisi fortress secrets');
    expect((await store.getConversation(data.alice, data.fortress.id)).model).to.equal('gpt-4o-mini');
  });

  it('rejects duplicate ids (in any case) and items that change nothing with 422, changing nothing', async () => {
    const { data, store } = s;
    const batch = s.container.resolve(BatchUpdateConversations);
    const dup = await appErrorOf(
      batch.execute(data.alice, [
        { id: data.tbilisi.id, title: 'a' },
        { id: data.budget.id, title: 'b' },
        { id: data.tbilisi.id.toUpperCase(), title: 'c' },
      ]),
      'VALIDATION_ERROR',
    );
    expect(dup.details?.fields).to.deep.equal([{ path: 'items.2.id', message: 'duplicates items.0.id', location: 'body' }]);
    const empty = await appErrorOf(batch.execute(data.alice, [{ id: data.tbilisi.id }]), 'VALIDATION_ERROR');
    expect(empty.details?.fields).to.deep.equal([{ path: 'items.0', message: 'must change title or model', location: 'body' }]);
    expect((await store.getConversation(data.alice, data.budget.id)).title).to.equal('Budget spreadsheet');
  });

  it('drops the cached statistics of the user', async () => {
    const { data } = s;
    const stats = s.container.resolve(GetConversationStats);
    const before = await stats.execute(data.alice);
    expect(before.by_model.find((m) => m.model === 'claude-3-5-sonnet')?.conversations).to.equal(1);
    await s.container.resolve(BatchUpdateConversations).execute(data.alice, [{ id: data.fortress.id, model: 'gpt-4o' }]);
    const after = await stats.execute(data.alice);
    expect(after.by_model.find((m) => m.model === 'claude-3-5-sonnet')).to.equal(undefined);
  });
});

describe('BatchDeleteConversations', () => {
  let s: SeededContainer;
  const del = (input: { ids: string[]; confirmation_token?: string }, user = s.data.alice) =>
    s.container.resolve(BatchDeleteConversations).execute({ ...user, requestId: 'req-1' }, input, { ip: '203.0.113.7' });

  beforeEach(async () => {
    s = await seededContainer();
  });

  /** The 409 of a call without (valid) confirmation. */
  async function preview(input: { ids: string[]; confirmation_token?: string }, user = s.data.alice) {
    const err = await appErrorOf(del(input, user), 'CONFIRMATION_REQUIRED');
    return err.details as {
      token_refused?: string;
      conversations: { id: string; title: string | null; message_count: number }[];
      not_found: string[];
      confirmation_token: string;
      expires_at: string;
    };
  }

  it('deletes nothing without confirmation and shows what would be deleted, revealing nothing of other ids', async () => {
    const { data, store } = s;
    const details = await preview({ ids: [data.tbilisi.id, data.bobs.id, UNKNOWN, data.budget.id.toUpperCase()] });
    expect(details.conversations.map((c) => [c.id, c.title, c.message_count])).to.deep.equal([
      [data.budget.id, 'Budget spreadsheet', 4],
      [data.tbilisi.id, 'Trip planning for Tbilisi', 2],
    ]);
    expect(details.not_found).to.deep.equal([data.bobs.id, UNKNOWN]);
    expect(details.confirmation_token).to.match(/^v1\.\d+\.[\w-]+\.[\w-]+$/);
    expect(details.expires_at).to.equal('2026-01-21T12:05:00.000Z');
    expect(JSON.stringify(details)).not.to.contain('Tbilisi fortress secrets');
    await store.getConversation(data.alice, data.tbilisi.id);
  });

  it('deletes with the token, reporting per id what was really deleted; the audit log has no token', async () => {
    const { data, store, audit } = s;
    const ids = [data.tbilisi.id, data.bobs.id, UNKNOWN, data.budget.id];
    const { confirmation_token } = await preview({ ids });
    const outcome = await del({ ids: [...ids].reverse(), confirmation_token });
    expect(outcome.results).to.deep.equal([
      { id: data.budget.id, ok: true },
      { id: UNKNOWN, ok: false, error: { code: 'NOT_FOUND', message: 'Conversation not found' } },
      { id: data.bobs.id, ok: false, error: { code: 'NOT_FOUND', message: 'Conversation not found' } },
      { id: data.tbilisi.id, ok: true },
    ]);
    expect(outcome).to.include({ deleted: 2, not_found: 2 });
    await appErrorOf(store.getConversation(data.alice, data.tbilisi.id), 'NOT_FOUND');
    await store.getConversation(data.bob, data.bobs.id);
    const events = audit.records.map((r) => r.fields as Record<string, unknown>);
    expect(events.map((e) => e.event)).to.deep.equal(['batch_delete_confirmation_issued', 'conversations_batch_deleted']);
    expect(events[1]).to.include({ user_id: data.alice.userId, ip: '203.0.113.7', request_id: 'req-1', ids_count: 4, deleted: 2 });
    expect(audit.text()).not.to.contain(confirmation_token);
    expect(audit.text()).not.to.contain(data.alice.token);
  });

  it('refuses a token replayed for a different id set, by another user, after expiry, or forged', async () => {
    const { data, store, clock, audit } = s;
    const { confirmation_token } = await preview({ ids: [data.tbilisi.id] });
    const wider = await preview({ ids: [data.tbilisi.id, data.budget.id], confirmation_token });
    expect(wider.token_refused).to.equal('mismatch');
    const narrower = await preview({ ids: [data.budget.id], confirmation_token });
    expect(narrower.token_refused).to.equal('mismatch');
    const bobsTry = await preview({ ids: [data.tbilisi.id], confirmation_token }, data.bob);
    expect(bobsTry.token_refused).to.equal('mismatch');
    expect(bobsTry.conversations).to.deep.equal([]);
    expect(bobsTry.not_found).to.deep.equal([data.tbilisi.id]);
    for (const position of [-1, -10]) {
      const chars = [...confirmation_token];
      const i = chars.length + position;
      chars[i] = chars[i] === 'A' ? 'B' : 'A';
      const forged = await preview({ ids: [data.tbilisi.id], confirmation_token: chars.join('') });
      expect(forged.token_refused, `changed at ${position}`).to.equal('mismatch');
    }
    const later = confirmation_token.replace(/^v1\.(\d+)\./, (_, exp: string) => `v1.${Number(exp) + 3600}.`);
    expect((await preview({ ids: [data.tbilisi.id], confirmation_token: later })).token_refused).to.equal('mismatch');
    expect((await preview({ ids: [data.tbilisi.id], confirmation_token: 'not-a-token' })).token_refused).to.equal('malformed');
    clock.advanceMs(301_000);
    expect((await preview({ ids: [data.tbilisi.id], confirmation_token })).token_refused).to.equal('expired');
    await store.getConversation(data.alice, data.tbilisi.id);
    await store.getConversation(data.alice, data.budget.id);
    const refused = audit.records.filter((r) => (r.fields as { event?: string }).event === 'batch_delete_token_refused');
    expect(refused).to.have.length(8);
  });

  it('accepts the token for the same set in another order and case, within its lifetime', async () => {
    const { data, clock } = s;
    const { confirmation_token } = await preview({ ids: [data.tbilisi.id, data.budget.id] });
    clock.advanceMs(299_000);
    const outcome = await del({ ids: [data.budget.id.toUpperCase(), data.tbilisi.id], confirmation_token });
    expect(outcome.deleted).to.equal(2);
  });

  it('rejects duplicate ids with 422', async () => {
    const err = await appErrorOf(del({ ids: [s.data.tbilisi.id, s.data.tbilisi.id] }), 'VALIDATION_ERROR');
    expect(err.details?.fields).to.deep.equal([{ path: 'ids.1', message: 'duplicates ids.0', location: 'body' }]);
  });
});
