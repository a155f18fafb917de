import { expect } from 'chai';
import nock from 'nock';
import sinon from 'sinon';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  UpstreamClient,
  UpstreamDeadline,
  type UpstreamClientOptions,
} from '../../../src/adapters/http/upstream-client';
import type { UpstreamObserver } from '../../../src/adapters/http/upstream-observer';
import { AppError } from '../../../src/domain/errors/app-error';
import { connectionReset, ManualClock, RecordingLogger, rejectionOf } from './upstream-test-kit';

const ORIGIN = 'http://upstream.test';

for (const transport of ['auto', 'axios'] as const)
  describe(`UpstreamClient (${transport === 'auto' ? 'direct node:http transport' : 'axios transport'})`, () => {
    let clock: ManualClock;
    let logger: RecordingLogger;
    let observer: { call: sinon.SinonSpy; retry: sinon.SinonSpy; breakerState: sinon.SinonSpy };

    function client(options: Partial<UpstreamClientOptions> = {}): UpstreamClient {
      return new UpstreamClient(
        {
          name: 'test_upstream',
          baseURL: ORIGIN,
          poolSize: 2,
          timeoutMs: 2_000,
          observer: observer as UpstreamObserver,
          transport,
          ...options,
        },
        clock,
        logger,
      );
    }

    beforeEach(() => {
      clock = new ManualClock();
      logger = new RecordingLogger();
      observer = { call: sinon.spy(), retry: sinon.spy(), breakerState: sinon.spy() };
      nock.disableNetConnect();
    });

    afterEach(() => {
      nock.cleanAll();
      nock.enableNetConnect();
    });

    it('retries an idempotent call after a 5xx and returns the later success', async () => {
      const scope = nock(ORIGIN).get('/thing').reply(500, {}).get('/thing').reply(200, { ok: true });
      const res = await client().request({ operation: 'getThing', idempotent: true, method: 'GET', url: '/thing' });
      expect(res.status).to.equal(200);
      expect(scope.isDone()).to.equal(true);
      expect(observer.retry.calledOnceWith('test_upstream', 'getThing')).to.equal(true);
      expect(observer.call.lastCall.args.slice(0, 3)).to.deep.equal(['test_upstream', 'getThing', 'success']);
    });

    it('never retries a call that is not idempotent, and hands back the 5xx as a response', async () => {
      const scope = nock(ORIGIN).post('/thing').reply(503, { busy: true });
      const spare = nock(ORIGIN).post('/thing').reply(200, {});
      const res = await client().request({ operation: 'makeThing', idempotent: false, method: 'POST', url: '/thing', data: {} });
      expect(res.status).to.equal(503);
      expect(scope.isDone()).to.equal(true);
      expect(spare.isDone()).to.equal(false);
      expect(observer.retry.called).to.equal(false);
    });

    it('gives up after `retries` extra attempts', async () => {
      const scope = nock(ORIGIN).get('/thing').times(3).reply(502, 'Bad Gateway');
      const spare = nock(ORIGIN).get('/thing').reply(200, {});
      const res = await client({ retries: 2 }).request({ operation: 'getThing', idempotent: true, method: 'GET', url: '/thing' });
      expect(res.status).to.equal(502);
      expect(scope.isDone()).to.equal(true);
      expect(spare.isDone()).to.equal(false);
      expect(observer.retry.callCount).to.equal(2);
    });

    it('retries a 429 of an idempotent call, waiting for its short Retry-After', async () => {
      const scope = nock(ORIGIN).get('/thing').reply(429, {}, { 'Retry-After': '1' }).get('/thing').reply(200, {});
      const res = await client({ maxRetryDelayMs: 1_500 }).request({
        operation: 'getThing',
        idempotent: true,
        method: 'GET',
        url: '/thing',
      });
      expect(res.status).to.equal(200);
      expect(scope.isDone()).to.equal(true);
    });

    it('does not wait for a Retry-After longer than maxRetryDelayMs: the answer comes back with its header', async () => {
      const scope = nock(ORIGIN).get('/thing').reply(503, {}, { 'Retry-After': '120' });
      const spare = nock(ORIGIN).get('/thing').reply(200, {});
      const res = await client({ maxRetryDelayMs: 1_000 }).request({
        operation: 'getThing',
        idempotent: true,
        method: 'GET',
        url: '/thing',
      });
      expect(res.status).to.equal(503);
      expect(res.headers['retry-after']).to.equal('120');
      expect(scope.isDone()).to.equal(true);
      expect(spare.isDone()).to.equal(false);
    });

    it('retries a reset connection of an idempotent call', async () => {
      const scope = nock(ORIGIN).get('/thing').replyWithError(connectionReset()).get('/thing').reply(200, {});
      const res = await client().request({ operation: 'getThing', idempotent: true, method: 'GET', url: '/thing' });
      expect(res.status).to.equal(200);
      expect(scope.isDone()).to.equal(true);
    });

    it('turns a reset connection of a write into UPSTREAM_UNAVAILABLE without retrying', async () => {
      nock(ORIGIN).post('/thing').replyWithError(connectionReset());
      const spare = nock(ORIGIN).post('/thing').reply(200, {});
      const err = await rejectionOf(
        client().request({ operation: 'makeThing', idempotent: false, method: 'POST', url: '/thing', data: {} }),
      );
      expect(err).to.be.instanceOf(AppError);
      expect((err as AppError).code).to.equal('UPSTREAM_UNAVAILABLE');
      expect((err as AppError).details).to.deep.include({ upstream: 'test_upstream', reason: 'ECONNRESET' });
      expect(spare.isDone()).to.equal(false);
      expect(observer.call.lastCall.args[2]).to.equal('network_error');
    });

    it('turns a slow answer into UPSTREAM_TIMEOUT', async () => {
      nock(ORIGIN).get('/thing').delay(500).reply(200, {});
      const err = await rejectionOf(
        client({ timeoutMs: 50, retries: 0 }).request({ operation: 'getThing', idempotent: true, method: 'GET', url: '/thing' }),
      );
      expect((err as AppError).code).to.equal('UPSTREAM_TIMEOUT');
      expect(observer.call.lastCall.args[2]).to.equal('timeout');
    });

    it('returns 4xx answers as responses, and they do not count against the breaker', async () => {
      nock(ORIGIN).get('/thing').times(5).reply(404, {});
      const c = client({ failureThreshold: 2 });
      for (let i = 0; i < 5; i += 1) {
        expect((await c.request({ operation: 'getThing', idempotent: true, method: 'GET', url: '/thing' })).status).to.equal(404);
      }
      expect(c.breaker.state).to.equal('closed');
      expect(observer.call.lastCall.args[2]).to.equal('client_error');
    });

    it('sends the request id and logs the call without its headers', async () => {
      const scope = nock(ORIGIN, { reqheaders: { 'x-request-id': 'req-123' } })
        .get('/thing')
        .reply(200, {});
      await client().request({
        operation: 'getThing',
        idempotent: true,
        method: 'GET',
        url: '/thing',
        requestId: 'req-123',
        headers: { Authorization: 'Bearer secret-token-value' },
      });
      expect(scope.isDone()).to.equal(true);
      const line = logger.entries.find((e) => e.msg === 'upstream call');
      expect(line?.fields).to.include({ upstream: 'test_upstream', operation: 'getThing', status: 200, request_id: 'req-123' });
      expect(line?.level, "the request's own record is the one at info").to.equal('debug');
      expect(logger.text()).not.to.contain('secret-token-value');
    });

    it('reports breaker state changes to the observer and answers fast while open', async () => {
      nock(ORIGIN).post('/thing').times(2).reply(500, {});
      const spare = nock(ORIGIN).post('/thing').reply(200, {});
      const c = client({ failureThreshold: 2, openMs: 5_000 });
      const call = () => c.request({ operation: 'makeThing', idempotent: false, method: 'POST', url: '/thing', data: {} });
      await call();
      await call();
      expect(observer.breakerState.calledWith('test_upstream', 'open')).to.equal(true);
      const err = (await rejectionOf(call())) as AppError;
      expect(err.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(err.retryAfterSeconds).to.equal(5);
      expect(spare.isDone()).to.equal(false);
      expect(observer.call.lastCall.args[2]).to.equal('circuit_open');
    });

    it('does not count a cancelled call as an upstream failure', async () => {
      nock(ORIGIN).get('/thing').delay(1_000).reply(200, {});
      const c = client({ failureThreshold: 1, retries: 0 });
      const controller = new AbortController();
      const pending = c.request({ operation: 'getThing', idempotent: true, method: 'GET', url: '/thing', signal: controller.signal });
      setImmediate(() => controller.abort());
      const err = (await rejectionOf(pending)) as AppError;
      expect(err.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(err.details).to.include({ cancelled: true });
      expect(c.breaker.state).to.equal('closed');
    });

    it('stops reading an answer larger than maxResponseBytes: UPSTREAM_CONTRACT, not retried, not a breaker failure', async () => {
      const huge = 'x'.repeat(300 * 1024);
      const scope = nock(ORIGIN).get('/thing').reply(200, huge);
      const spare = nock(ORIGIN).get('/thing').reply(200, 'small');
      const c = client({ maxResponseBytes: 64 * 1024, failureThreshold: 1, retries: 2 });
      const err = (await rejectionOf(c.request({ operation: 'getThing', idempotent: true, method: 'GET', url: '/thing' }))) as AppError;
      expect(err.code).to.equal('UPSTREAM_CONTRACT');
      expect(err.details).to.include({ upstream: 'test_upstream', reason: 'response_too_large' });
      expect(scope.isDone()).to.equal(true);
      expect(spare.isDone()).to.equal(false);
      expect(c.breaker.state).to.equal('closed');
      expect(observer.call.lastCall.args.slice(0, 3)).to.deep.equal(['test_upstream', 'getThing', 'server_error']);
    });

    it('bounds buffered answers by default', async () => {
      nock(ORIGIN)
        .get('/thing')
        .reply(200, Buffer.alloc(DEFAULT_MAX_RESPONSE_BYTES + 1, 0x61));
      const err = (await rejectionOf(
        client({ retries: 0 }).request({ operation: 'getThing', idempotent: true, method: 'GET', url: '/thing' }),
      )) as AppError;
      expect(err.code).to.equal('UPSTREAM_CONTRACT');
    });

    it('counts a call ended by its owner for a deadline (UpstreamDeadline as the abort reason) as a timeout of the upstream', async () => {
      nock(ORIGIN).get('/thing').delay(1_000).reply(200, {});
      const c = client({ failureThreshold: 1, retries: 0 });
      const controller = new AbortController();
      const pending = c.request({ operation: 'getThing', idempotent: true, method: 'GET', url: '/thing', signal: controller.signal });
      setImmediate(() => controller.abort(new UpstreamDeadline('first_token')));
      const err = (await rejectionOf(pending)) as AppError;
      expect(err.code).to.equal('UPSTREAM_TIMEOUT');
      expect(c.breaker.state).to.equal('open');
      expect(observer.call.lastCall.args.slice(0, 3)).to.deep.equal(['test_upstream', 'getThing', 'timeout']);
    });

    it('leaves a held call pending on a 2xx (the caller judges it) and settles any other answer itself', async () => {
      nock(ORIGIN).post('/thing').reply(200, {}).post('/thing').reply(503, {});
      const c = client({ failureThreshold: 1 });
      const held = await c.requestHeld({ operation: 'makeThing', idempotent: false, method: 'POST', url: '/thing', data: {} });
      expect(held.response.status).to.equal(200);
      const failed = await c.requestHeld({ operation: 'makeThing', idempotent: false, method: 'POST', url: '/thing', data: {} });
      expect(failed.response.status).to.equal(503);
      expect(c.breaker.state).to.equal('open');
      held.permit.success();
      expect(c.breaker.state, 'a verdict from before the trip does not count').to.equal('open');
    });
  });
