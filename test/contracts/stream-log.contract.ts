import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { LoggedEvent, StreamLog, TurnLogEvent, TurnRecord } from '../../src/ports/stream-log.port';

export interface StreamLogUnderTest {
  log: StreamLog;
  /** A second handle on the same log, as another replica sees it (the same object in-process). */
  other: StreamLog;
  close(): Promise<void>;
}

const USER = '11111111-1111-4111-8111-111111111111';
const OTHER_USER = '22222222-2222-4222-8222-222222222222';

function record(overrides: Partial<TurnRecord> = {}): TurnRecord {
  return {
    stream_id: randomUUID(),
    user_id: USER,
    conversation_id: randomUUID(),
    branch_id: randomUUID(),
    user_message_id: randomUUID(),
    model: 'local/echo',
    completion_id: 'chatcmpl-test',
    created: 1_768_469_400,
    started_at: Date.now(),
    status: 'running',
    ...overrides,
  };
}

const delta = (seq: number, content: string): LoggedEvent => ({ seq, event: { type: 'delta', content } });
const done = (seq: number): LoggedEvent => ({
  seq,
  event: { type: 'done', assistant_message_id: randomUUID(), finish_reason: 'stop', usage: null },
});

async function collect(iterable: AsyncIterable<LoggedEvent>): Promise<LoggedEvent[]> {
  const out: LoggedEvent[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

const events = (list: LoggedEvent[]): TurnLogEvent[] => list.map((e) => e.event);

/**
 * What every StreamLog adapter does alike: the in-process log of the embedded default and the Redis
 * log run this same suite. `other` plays a second replica.
 */
export function describeStreamLogContract(name: string, make: () => Promise<StreamLogUnderTest>): void {
  describe(`StreamLog contract: ${name}`, () => {
    let s: StreamLogUnderTest;
    const readOptions = () => ({ signal: new AbortController().signal, idleMs: 200 });
    beforeEach(async () => {
      s = await make();
    });
    afterEach(async () => s.close());

    it('keeps the record of a turn, owned by its user, listed newest first', async () => {
      const first = record({ started_at: Date.now() - 1000 });
      const second = record();
      await s.log.open(first, { token: 't' }, 'p1', Date.now());
      await s.log.open(second, { token: 't' }, 'p1', Date.now());
      await s.log.open(record({ user_id: OTHER_USER }), { token: 't' }, 'p1', Date.now());
      expect(await s.other.get(first.stream_id)).to.deep.include({
        user_id: USER,
        status: 'running',
        conversation_id: first.conversation_id,
      });
      expect((await s.other.list(USER)).map((r) => r.stream_id)).to.deep.equal([second.stream_id, first.stream_id]);
      expect(await s.other.get(randomUUID())).to.equal(undefined);
    });

    it('replays every event, or those after a given seq, then ends after the terminal event', async () => {
      const r = record();
      await s.log.open(r, { token: 't' }, 'p1', Date.now());
      await s.log.append(r.stream_id, [delta(1, 'Hel'), delta(2, 'lo')]);
      await s.log.append(r.stream_id, [delta(3, ' world')]);
      expect(await s.log.finish(r.stream_id, 'p1', done(4), 'completed', Date.now())).to.equal(true);
      const all = await collect(s.other.read(r.stream_id, 0, readOptions()));
      expect(all.map((e) => e.seq)).to.deep.equal([1, 2, 3, 4]);
      expect(events(all).slice(0, 3)).to.deep.equal([
        { type: 'delta', content: 'Hel' },
        { type: 'delta', content: 'lo' },
        { type: 'delta', content: ' world' },
      ]);
      expect((await collect(s.other.read(r.stream_id, 2, readOptions()))).map((e) => e.seq)).to.deep.equal([3, 4]);
      expect((await collect(s.other.read(r.stream_id, 4, readOptions()))).map((e) => e.seq)).to.deep.equal([]);
      const ended = await s.other.get(r.stream_id);
      expect(ended?.status).to.equal('completed');
      expect(ended?.ended_at).to.be.a('number');
    });

    it('follows a live turn: a reader blocked before an append gets it as it comes', async () => {
      const r = record();
      await s.log.open(r, { token: 't' }, 'p1', Date.now());
      await s.log.append(r.stream_id, [delta(1, 'a')]);
      const reading = collect(s.other.read(r.stream_id, 0, { signal: new AbortController().signal, idleMs: 5000 }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await s.log.append(r.stream_id, [delta(2, 'b')]);
      await s.log.finish(r.stream_id, 'p1', { seq: 3, event: { type: 'stopped', reason: 'user' } }, 'stopped', Date.now());
      const got = await reading;
      expect(events(got)).to.deep.equal([
        { type: 'delta', content: 'a' },
        { type: 'delta', content: 'b' },
        { type: 'stopped', reason: 'user' },
      ]);
    });

    it('ends a read quietly when its signal aborts, and calls onIdle during silences', async () => {
      const r = record();
      await s.log.open(r, { token: 't' }, 'p1', Date.now());
      const controller = new AbortController();
      let idles = 0;
      const reading = collect(
        s.other.read(r.stream_id, 0, {
          signal: controller.signal,
          idleMs: 50,
          onIdle: async () => {
            idles += 1;
            return false;
          },
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      controller.abort();
      expect(await reading).to.deep.equal([]);
      expect(idles).to.be.greaterThan(0);
      // onIdle answering true ends the read too.
      const ended = await collect(
        s.other.read(r.stream_id, 0, { signal: new AbortController().signal, idleMs: 20, onIdle: async () => true }),
      );
      expect(ended).to.deep.equal([]);
    });

    it('lets only the producer heartbeat and finish the turn', async () => {
      const r = record();
      await s.log.open(r, { token: 't' }, 'p1', Date.now());
      expect(await s.log.heartbeat(r.stream_id, 'p1', Date.now())).to.equal('alive');
      expect(await s.log.heartbeat(r.stream_id, 'p2', Date.now())).to.equal('lost');
      expect(await s.other.finish(r.stream_id, 'p2', done(1), 'completed', Date.now())).to.equal(false);
      expect(await s.log.finish(r.stream_id, 'p1', done(1), 'completed', Date.now())).to.equal(true);
      expect(await s.log.finish(r.stream_id, 'p1', done(2), 'completed', Date.now())).to.equal(false);
      expect(await s.log.heartbeat(r.stream_id, 'p1', Date.now())).to.equal('lost');
    });

    it('claims a turn whose heartbeat lapsed exactly once, fencing the old producer off', async () => {
      const r = record();
      const t0 = Date.now() - 60_000;
      await s.log.open(r, { token: 'owner-token' }, 'p1', t0);
      await s.log.append(r.stream_id, [delta(1, 'par'), delta(2, 'tial')]);
      // Not lapsed yet for a bound older than the heartbeat.
      expect(await s.other.claim(r.stream_id, 'p2', t0 - 1)).to.equal(undefined);
      expect(await s.other.lapsed(Date.now())).to.include(r.stream_id);
      // One bound for both, as replicas sweeping with the same orphan threshold have: a claim
      // renews the heartbeat to its own time, which a later bound could pass again.
      const bound = Date.now();
      const claims = await Promise.all([s.other.claim(r.stream_id, 'p2', bound), s.log.claim(r.stream_id, 'p3', bound)]);
      const winners = claims.filter((c) => c !== undefined);
      expect(winners).to.have.length(1);
      const claimed = winners[0]!;
      expect(claimed.credentials).to.deep.equal({ token: 'owner-token' });
      expect(claimed.events.map((e) => e.event)).to.deep.equal([
        { type: 'delta', content: 'par' },
        { type: 'delta', content: 'tial' },
      ]);
      const winner = claims[0] ? 'p2' : 'p3';
      expect(await s.log.heartbeat(r.stream_id, 'p1', Date.now())).to.equal('lost');
      expect(await s.log.finish(r.stream_id, 'p1', done(3), 'completed', Date.now())).to.equal(false);
      expect(await s.other.lapsed(Date.now() - 1000)).to.not.include(r.stream_id);
      const terminal: LoggedEvent = { seq: 3, event: { type: 'error', code: 'STREAM_INTERRUPTED', message: 'lost' } };
      expect(await s.other.finish(r.stream_id, winner, terminal, 'interrupted', Date.now())).to.equal(true);
      expect(events(await collect(s.other.read(r.stream_id, 0, readOptions())))).to.deep.equal([
        { type: 'delta', content: 'par' },
        { type: 'delta', content: 'tial' },
        terminal.event,
      ]);
      expect((await s.other.get(r.stream_id))?.status).to.equal('interrupted');
      expect(await s.other.claim(r.stream_id, 'p4', Date.now() + 60_000)).to.equal(undefined);
    });

    it('never claims a turn that ended', async () => {
      const r = record();
      await s.log.open(r, { token: 't' }, 'p1', Date.now() - 60_000);
      await s.log.finish(r.stream_id, 'p1', done(1), 'completed', Date.now());
      expect(await s.other.claim(r.stream_id, 'p2', Date.now())).to.equal(undefined);
      expect(await s.other.lapsed(Date.now())).to.not.include(r.stream_id);
    });

    it('remembers when a listener last followed the turn', async () => {
      const r = record();
      await s.log.open(r, { token: 't' }, 'p1', Date.now());
      expect(await s.log.lastListened(r.stream_id)).to.equal(undefined);
      await s.other.markListened(r.stream_id, 1234);
      expect(await s.log.lastListened(r.stream_id)).to.equal(1234);
    });

    it('tells the producer of a stop request at its next heartbeat, even with no one subscribed', async () => {
      const r = record();
      await s.log.open(r, { token: 't' }, 'p1', Date.now());
      expect(await s.log.heartbeat(r.stream_id, 'p1', Date.now())).to.equal('alive');
      await s.other.requestStop(r.stream_id);
      expect(await s.log.heartbeat(r.stream_id, 'p1', Date.now())).to.equal('stop');
      // A stop request for an unknown turn leaves nothing behind.
      const unknown = randomUUID();
      await s.other.requestStop(unknown);
      expect(await s.other.get(unknown)).to.equal(undefined);
    });

    it('delivers a stop request to every handle', async () => {
      const got: string[] = [];
      const off = s.log.onStopRequest((id) => got.push(id));
      // The subscription of a shared log may take a moment to be in place.
      const id = randomUUID();
      const deadline = Date.now() + 3000;
      while (got.length === 0 && Date.now() < deadline) {
        await s.other.requestStop(id);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      off();
      expect(got).to.include(id);
    });
  });
}
