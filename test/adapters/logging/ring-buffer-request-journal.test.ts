import { expect } from 'chai';
import { RingBufferRequestJournal } from '../../../src/adapters/logging/ring-buffer-request-journal';
import type { FinishedRequest } from '../../../src/ports/request-journal.port';
import { thrownBy } from '../../support/async';
import { devToken, USER_A } from '../../support/tokens';

const CONFIGURED_SECRET = 'a-configured-master-key-value';

function request(id: string, overrides: Partial<FinishedRequest> = {}): FinishedRequest {
  return {
    requestId: id,
    startedAtMs: Date.UTC(2026, 0, 1, 12, 0, 0),
    method: 'POST',
    path: '/v1/conversations',
    query: {},
    route: '/v1/conversations',
    status: 201,
    durationMs: 12,
    userId: USER_A,
    ...overrides,
  };
}

describe('RingBufferRequestJournal', () => {
  describe('the ring buffer', () => {
    it('keeps the last N requests, newest first, dropping the oldest', () => {
      const journal = new RingBufferRequestJournal({ capacity: 3, maxBodyBytes: 1024 });
      expect(journal.list()).to.deep.equal([]);
      for (const id of ['req-00000001', 'req-00000002']) journal.record(request(id));
      expect(journal.list().map((e) => e.request_id)).to.deep.equal(['req-00000002', 'req-00000001']);
      for (const id of ['req-00000003', 'req-00000004', 'req-00000005']) journal.record(request(id));
      expect(journal.list().map((e) => e.request_id)).to.deep.equal(['req-00000005', 'req-00000004', 'req-00000003']);
      expect(journal.capacity).to.equal(3);
    });

    it('finds the newest entry of a request id, and nothing for one that was dropped', () => {
      const journal = new RingBufferRequestJournal({ capacity: 2, maxBodyBytes: 1024 });
      journal.record(request('req-dropped-1'));
      journal.record(request('req-reused-01', { status: 200 }));
      journal.record(request('req-reused-01', { status: 404 }));
      expect(journal.find('req-reused-01')?.status).to.equal(404);
      expect(journal.find('req-dropped-1')).to.equal(undefined);
    });

    it('records what a replay needs, in a JSON-friendly shape', () => {
      const journal = new RingBufferRequestJournal({ capacity: 2, maxBodyBytes: 1024 });
      journal.record(request('req-shape-01', { query: { page: '2' }, body: { title: 'Trip' } }));
      journal.record(request('req-shape-02', { method: 'GET', userId: undefined, route: undefined, status: 404 }));
      expect(journal.find('req-shape-01')).to.deep.equal({
        request_id: 'req-shape-01',
        at: '2026-01-01T12:00:00.000Z',
        method: 'POST',
        path: '/v1/conversations',
        query: { page: '2' },
        route: '/v1/conversations',
        status: 201,
        duration_ms: 12,
        user_id: USER_A,
        body: { title: 'Trip' },
        body_bytes: 16,
      });
      expect(journal.find('req-shape-02')).to.include({ user_id: null, route: null });
      expect(journal.find('req-shape-02')).not.to.have.property('body');
    });

    it('refuses a capacity that is not a positive integer', () => {
      expect(thrownBy(() => new RingBufferRequestJournal({ capacity: 0, maxBodyBytes: 1 })).message).to.contain('capacity');
    });
  });

  describe('sanitising', () => {
    const journal = new RingBufferRequestJournal({ capacity: 10, maxBodyBytes: 200, secrets: [CONFIGURED_SECRET] });

    it('redacts secrets in bodies and queries: secret field names, bearer tokens, JWTs, keys, configured values', () => {
      const token = devToken();
      const body = {
        password: 'hunter2-hunter2',
        litellm_key: 'sk-abcdefghijklmnop',
        note: `Bearer ${token} and ${CONFIGURED_SECRET}`,
        nested: [{ api_key: 'k-1234567890' }, token],
        title: 'kept as is',
      };
      const original = JSON.stringify(body);
      journal.record(request('req-secrets-1', { query: { access_token: token, q: 'fine' }, body }));
      const entry = journal.find('req-secrets-1')!;
      const text = JSON.stringify(entry);
      for (const secret of ['hunter2', 'sk-abcdefghijklmnop', CONFIGURED_SECRET, 'k-1234567890', ...token.split('.')]) {
        expect(text).not.to.contain(secret);
      }
      expect(entry.body).to.deep.include({ password: '[REDACTED]', litellm_key: '[REDACTED]', title: 'kept as is' });
      expect(entry.query).to.deep.equal({ access_token: '[REDACTED]', q: 'fine' });
      expect(entry.body_redacted).to.equal(true);
      expect(JSON.stringify(body), 'the request itself is not changed').to.equal(original);
    });

    it('marks nothing redacted when nothing was', () => {
      journal.record(request('req-clean-01', { body: { title: 'plain' } }));
      expect(journal.find('req-clean-01')).not.to.have.property('body_redacted');
    });

    it('caps the body: only its beginning is kept, marked truncated, cut on a character boundary', () => {
      journal.record(request('req-large-01', { body: { content: 'ä'.repeat(500) } }));
      const entry = journal.find('req-large-01')!;
      expect(entry.body_truncated).to.equal(true);
      expect(entry.body_bytes).to.equal(Buffer.byteLength(JSON.stringify({ content: 'ä'.repeat(500) })));
      expect(entry.body).to.be.a('string');
      const kept = entry.body as string;
      expect(Buffer.byteLength(kept)).to.be.at.most(200);
      expect(kept.startsWith('{"content":"ää')).to.equal(true);
      expect(kept).not.to.contain('\ufffd');
    });
  });
});
