import { expect } from 'chai';
import { MemoryConversationStore } from '../../../src/adapters/memory/memory-conversation-store';
import { ilikeContains } from '../../../src/adapters/supabase/postgrest-filters';
import {
  SupabaseConversationIndex,
  type SupabaseConversationIndexOptions,
} from '../../../src/adapters/supabase/supabase-conversation-index';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { containsTerm } from '../../../src/domain/search/text-match';
import { describeConversationIndexContract } from '../../contracts/conversation-index.contract';
import { serveConversationTables } from '../../fakes/fake-conversation-tables';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeSupabaseRest, ilikeMatches } from '../../fakes/fake-supabase-rest';
import { HOSTILE_QUESTION, seededStore, SteppingClock, type Dataset } from '../../support/conversation-dataset';
import { appErrorOf } from '../../support/expect-rejection';
import { RecordingLogger } from '../../support/recording-logger';
import { devToken, USER_A } from '../../support/tokens';

function makeIndex(fake: FakeSupabaseRest, options: Partial<SupabaseConversationIndexOptions> = {}): SupabaseConversationIndex {
  return new SupabaseConversationIndex(
    { supabaseUrl: fake.url, anonKey: fake.anonKey, poolSize: 4, timeoutMs: 5000, retries: 0, ...options },
    new FakeClock(),
    new RecordingLogger(),
  );
}

// Small pages, a small `max_rows` and small id chunks, so the contract also proves paging and chunking.
describeConversationIndexContract('Supabase REST adapter over HTTP, pages of 3', async () => {
  const fake = await FakeSupabaseRest.start();
  fake.maxRows = 3;
  const clock = new SteppingClock();
  const store = new MemoryConversationStore(clock, new CryptoIdGenerator());
  serveConversationTables(fake, store);
  return { index: makeIndex(fake, { pageSize: 3, idsPerRequest: 2 }), store, clock, close: () => fake.close() };
});

describe('SupabaseConversationIndex', () => {
  let fake: FakeSupabaseRest;
  let data: Dataset;
  let store: MemoryConversationStore;

  beforeEach(async () => {
    fake = await FakeSupabaseRest.start();
    ({ store, data } = await seededStore());
    serveConversationTables(fake, store);
  });
  afterEach(async () => fake.close());

  describe('filter encoding', () => {
    // Decoys a wrongly escaped pattern would also match.
    const texts = [
      HOSTILE_QUESTION,
      'x_user_id.neq.0',
      '50 percent',
      'budgetXtotal',
      'axb',
      'backslash',
      'back\\\\slash',
      'anything at all',
      '',
      'Привет',
      'line one\nline two',
    ];
    const terms = [
      'x,user_id.neq.0',
      'user_id',
      '50%',
      '%',
      '_',
      '\\',
      'back\\slash',
      'a*b',
      '*',
      '"quotes"',
      "'single'",
      ')',
      'привет',
      'one\nline',
    ];
    for (const term of terms) {
      it(`PostgREST's ILIKE on the operand for ${JSON.stringify(term)} matches every literal match, and only those but for *`, () => {
        const operand = ilikeContains(term).slice('ilike.'.length);
        for (const text of texts) {
          const literal = containsTerm(text, term);
          const pattern = ilikeMatches(text, operand);
          if (literal) expect(pattern, `${JSON.stringify(term)} in ${JSON.stringify(text)}`).to.equal(true);
          // A literal * can only be sent as "any one character": the adapter re-checks those rows.
          else if (!term.includes('*')) expect(pattern, `${JSON.stringify(term)} in ${JSON.stringify(text)}`).to.equal(false);
        }
      });
    }

    it('sends user text only as the operand of one column filter, escaped, and never in or= or in.()', async () => {
      const term = 'x,user_id.neq.0) or=(id.neq.0 & 50%_\\*';
      await makeIndex(fake).findMessages(data.alice, term, 10);
      const [req] = fake.requestsTo('messages');
      expect(req?.method).to.equal('GET');
      expect(req?.query.get('content')).to.equal('ilike.*x,user\\_id.neq.0) or=(id.neq.0 & 50\\%\\_\\\\_*');
      expect([...req!.query.keys()].sort()).to.deep.equal(['content', 'limit', 'offset', 'order', 'select']);
      expect(req?.query.has('or')).to.equal(false);
    });

    it('a hostile term finds only what its literal text matches, over HTTP', async () => {
      const index = makeIndex(fake);
      const found = await index.findMessages(data.alice, 'x,user_id.neq.0', 100);
      expect(found.items.map((m) => m.id)).to.deep.equal([data.hostile.messages[0]]);
      const widened = await index.findByTitle(data.alice, 'x,user_id.neq.0', {}, 100);
      expect(widened.items).to.deep.equal([]);
      // `a*b` goes out as `a_b` and also matches "axb" upstream: the literal re-check drops it.
      const star = await index.findMessages(data.alice, 'a*b', 100);
      expect(star.items.map((m) => m.id)).to.deep.equal([data.hostile.messages[0]]);
    });

    it('sends two bounds of one column as two filters, and the model with eq', async () => {
      const range = { from: '2026-01-12T00:00:00.000Z', until: '2026-01-17T00:00:00.000Z' };
      await makeIndex(fake).listConversations(data.alice, { model: 'gpt-4o', created: range }, 'created_at.asc', { offset: 0, limit: 5 });
      const [req] = fake.requestsTo('conversations');
      expect(req?.query.getAll('created_at')).to.deep.equal(['gte.2026-01-12T00:00:00.000Z', 'lt.2026-01-17T00:00:00.000Z']);
      expect(req?.query.get('model')).to.equal('eq.gpt-4o');
      expect(req?.query.get('order')).to.equal('created_at.asc,id.asc');
      expect(req?.query.get('select')).to.equal('id,title,model,active_branch_id,created_at,updated_at,messages(count),branches(count)');
      expect(String(req?.headers.prefer)).to.contain('count=exact');
    });

    it('puts only UUIDs in an in.() list and asks for ids in chunks', async () => {
      const index = makeIndex(fake, { idsPerRequest: 2 });
      const found = await index.conversationsByIds(data.alice, [data.tbilisi.id, 'x,user_id.neq.0', data.budget.id, data.fortress.id], {});
      expect(found).to.have.length(3);
      const lists = fake.requestsTo('conversations').map((r) => r.query.get('id'));
      expect(lists).to.deep.equal([`in.(${data.tbilisi.id},${data.budget.id})`, `in.(${data.fortress.id})`]);
    });
  });

  describe('requests', () => {
    it("uses the anon key as apikey and the user's own JWT, and forwards the request id", async () => {
      const user = { ...data.alice, requestId: 'req-42' };
      await makeIndex(fake).findByTitle(user, 'trip', {}, 10);
      const [req] = fake.requestsTo('conversations');
      expect(req?.headers.apikey).to.equal(fake.anonKey);
      expect(req?.headers.authorization).to.equal(`Bearer ${data.alice.token}`);
      expect(req?.headers['x-request-id']).to.equal('req-42');
    });

    it('pages through answers the upstream cuts to max_rows, asking one row more than the cap', async () => {
      fake.maxRows = 2;
      const found = await makeIndex(fake, { pageSize: 2 }).messageActivity(data.alice, {}, 5);
      expect(found.items).to.have.length(5);
      expect(found.truncated).to.equal(true);
      const limits = fake.requestsTo('messages').map((r) => [r.query.get('offset'), r.query.get('limit')]);
      expect(limits).to.deep.equal([
        ['0', '2'],
        ['2', '2'],
        ['4', '2'],
      ]);
    });

    it('lists a whole page even when max_rows is below the page size, going by the count', async () => {
      fake.maxRows = 2;
      const page = await makeIndex(fake, { pageSize: 10 }).listConversations(data.alice, {}, 'created_at.asc', { offset: 1, limit: 4 });
      expect(page.items.map((c) => c.id)).to.deep.equal([data.budget.id, data.fortress.id, data.hostile.id, data.unicode.id]);
      expect(page.total).to.equal(6);
      const prefers = fake.requestsTo('conversations').map((r) => String(r.headers.prefer ?? ''));
      expect(prefers).to.deep.equal(['count=exact', '']);
    });

    it('deletes with return=representation, once (never retried), and reports only the rows really deleted', async () => {
      fake.failNext(503, { code: 'PGRST000', message: 'Could not connect' });
      const index = makeIndex(fake, { retries: 2 });
      await appErrorOf(index.deleteConversations(data.alice, [data.tbilisi.id]), 'UPSTREAM_UNAVAILABLE');
      expect(fake.requestsTo('conversations').filter((r) => r.method === 'DELETE')).to.have.length(1);
      const deleted = await index.deleteConversations(data.alice, [data.tbilisi.id, data.bobs.id]);
      expect(deleted).to.deep.equal([data.tbilisi.id]);
      const [, req] = fake.requestsTo('conversations').filter((r) => r.method === 'DELETE');
      expect(req?.query.get('id')).to.equal(`in.(${data.tbilisi.id},${data.bobs.id})`);
      expect(String(req?.headers.prefer)).to.contain('return=representation');
      await store.getConversation(data.bob, data.bobs.id);
    });
  });

  describe('failures', () => {
    it('an expired JWT is AUTH_EXPIRED; a rejected anon key is an UPSTREAM_ERROR, not a 401', async () => {
      const expired = { userId: USER_A, token: devToken(USER_A, { expiresIn: -10 }) };
      await appErrorOf(makeIndex(fake).findMessages(expired, 'x', 10), 'AUTH_EXPIRED');
      await appErrorOf(makeIndex(fake, { anonKey: 'wrong' }).findMessages(data.alice, 'x', 10), 'UPSTREAM_ERROR');
    });

    it('rows it cannot use are UPSTREAM_CONTRACT, never a crash', async () => {
      fake.failNext(200, [{ id: 'x', title: 3 }]);
      await appErrorOf(makeIndex(fake).findByTitle(data.alice, 'trip', {}, 10), 'UPSTREAM_CONTRACT');
      fake.failNext(200, { not: 'an array' });
      await appErrorOf(makeIndex(fake).findMessages(data.alice, 'trip', 10), 'UPSTREAM_CONTRACT');
      fake.failNext(200, [
        { id: data.tbilisi.id, title: 't', model: null, active_branch_id: null, created_at: 'yesterday', updated_at: 'x' },
      ]);
      await appErrorOf(makeIndex(fake).conversationsByIds(data.alice, [data.tbilisi.id], {}), 'UPSTREAM_CONTRACT');
    });

    it('a 5xx after retries is UPSTREAM_UNAVAILABLE; a PostgREST 400 is an UPSTREAM_ERROR with its code', async () => {
      fake.failNext(500, { code: 'XX000', message: 'boom' }, {}, 3);
      await appErrorOf(makeIndex(fake, { retries: 2 }).findMessages(data.alice, 'x', 10), 'UPSTREAM_UNAVAILABLE');
      fake.failNext(400, { code: 'PGRST100', message: 'failed to parse filter' });
      const err = await appErrorOf(makeIndex(fake).findMessages(data.alice, 'x', 10), 'UPSTREAM_ERROR');
      expect(err.details).to.include({ upstream_code: 'PGRST100', upstream_status: 400 });
    });
  });
});
