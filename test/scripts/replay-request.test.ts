import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { mintDevToken } from '../../scripts/mint-token';
import { buildReplay, parseReplayArgs, replay, type ReplayDeps } from '../../scripts/replay-request';
import type { RecordedRequest } from '../../src/ports/request-journal.port';
import { unreachableUrl } from '../fakes/fake-jwks-server';
import { rejectionOf } from '../support/async';
import { startApp, type RunningApp } from '../support/http';
import { useRealHttp } from '../support/real-http';
import { testConfig } from '../support/test-config';
import { bearer, devToken, USER_A } from '../support/tokens';

const run = promisify(execFile);

function entry(overrides: Partial<RecordedRequest> = {}): RecordedRequest {
  return {
    request_id: 'orig-request-0001',
    at: '2026-01-01T12:00:00.000Z',
    method: 'PATCH',
    path: '/v1/conversations/abc',
    query: { page: '2', tag: ['a', 'b'] },
    route: '/v1/conversations/{id}',
    status: 200,
    duration_ms: 5,
    user_id: USER_A,
    body: { title: 'Again' },
    body_bytes: 17,
    ...overrides,
  };
}

/** The script's dependencies, its output collected. */
function depsFor(config = testConfig()): ReplayDeps & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    fetch,
    mintToken: (userId) => mintDevToken(config, userId),
    out: { write: (t: string) => stdout.push(t) },
    err: { write: (t: string) => stderr.push(t) },
    stdout,
    stderr,
  };
}

describe('npm run replay -- <request-id>', () => {
  describe('its arguments', () => {
    it('takes the request id and an optional base URL (flag, REPLAY_BASE_URL, else localhost:PORT)', () => {
      expect(parseReplayArgs(['req-12345678'])).to.deep.equal({ requestId: 'req-12345678', baseUrl: 'http://localhost:8000' });
      expect(parseReplayArgs(['req-12345678'], { PORT: '9000' }).baseUrl).to.equal('http://localhost:9000');
      expect(parseReplayArgs(['req-12345678'], { REPLAY_BASE_URL: 'http://gw:1234/' }).baseUrl).to.equal('http://gw:1234');
      expect(parseReplayArgs(['--base-url', 'http://127.0.0.1:5/', 'req-12345678']).baseUrl).to.equal('http://127.0.0.1:5');
      expect(parseReplayArgs(['--base-url=http://h:1', 'req-12345678']).baseUrl).to.equal('http://h:1');
    });

    it('refuses a missing or odd request id, an unknown option and a base URL that is not http(s)', () => {
      for (const argv of [[], ['bad id!'], ['req-12345678', '--verbose'], ['req-12345678', '--base-url', 'ftp://x']]) {
        expect(() => parseReplayArgs(argv), JSON.stringify(argv)).to.throw();
      }
    });
  });

  describe('the request it sends', () => {
    it('repeats method, path, query and JSON body with a fresh token and a request id naming the original', () => {
      const { url, init } = buildReplay(entry(), 'http://gw:8000', 'fresh.token.value');
      expect(url).to.equal('http://gw:8000/v1/conversations/abc?page=2&tag=a&tag=b');
      expect(init.method).to.equal('PATCH');
      expect(init.headers.Authorization).to.equal('Bearer fresh.token.value');
      expect(init.headers['Content-Type']).to.equal('application/json');
      expect(init.headers['X-Request-Id']).to.match(/^orig-request-0001\.replay-[0-9a-f]{8}$/);
      expect(JSON.parse(init.body as string)).to.deep.equal({ title: 'Again' });
    });

    it('sends no body and no token where the original had none', () => {
      const { init } = buildReplay(entry({ method: 'GET', body: undefined, user_id: null, query: {} }), 'http://gw', undefined);
      expect(init).not.to.have.property('body');
      expect(init.headers).not.to.have.property('Authorization');
      expect(init.headers).not.to.have.property('Content-Type');
    });

    it('refuses a body the journal cut, rather than send half of it', () => {
      expect(() => buildReplay(entry({ body: '{"content":"aaa', body_truncated: true, body_bytes: 40000 }), 'http://gw', 't')).to.throw(
        /cannot be replayed/,
      );
    });
  });

  describe('against the running service', () => {
    useRealHttp();
    let app: RunningApp;
    before(async () => {
      app = await startApp({ config: testConfig({ DEBUG_REQUESTS: 'true' }) });
    });
    after(() => app.close());

    async function createConversation(requestId: string, title: string): Promise<void> {
      const res = await app.request('/v1/conversations', {
        method: 'POST',
        headers: { ...bearer(devToken(USER_A)), 'Content-Type': 'application/json', 'X-Request-Id': requestId },
        body: JSON.stringify({ title }),
      });
      expect(res.status).to.equal(201);
    }

    async function titles(): Promise<string[]> {
      const list = await app.json<{ data: { items: { title: string }[] } }>('/v1/conversations?limit=100', {
        headers: bearer(devToken(USER_A)),
      });
      return list.body.data.items.map((c) => c.title);
    }

    it('replays a recorded request as the same user and prints the status and body', async () => {
      await createConversation('replay-me-000001', 'Replayed title');
      const deps = depsFor();
      const status = await replay({ requestId: 'replay-me-000001', baseUrl: app.url }, deps);
      expect(status).to.equal(201);
      const out = deps.stdout.join('');
      expect(out.startsWith('HTTP 201\n')).to.equal(true);
      expect(out).to.contain('"title":"Replayed title"');
      expect(deps.stderr.join('')).to.contain(`user ${USER_A}`);
      expect((await titles()).filter((t) => t === 'Replayed title')).to.have.length(2);
    });

    it('says why when the request is not recorded, the service keeps no journal, or does not answer', async () => {
      const missing = await rejectionOf(replay({ requestId: 'never-recorded-01', baseUrl: app.url }, depsFor()));
      expect(missing.message).to.contain('No request never-recorded-01 is recorded');

      const plain = await startApp();
      try {
        const noJournal = await rejectionOf(replay({ requestId: 'never-recorded-01', baseUrl: plain.url }, depsFor()));
        expect(noJournal.message).to.contain('keeps no request journal');
      } finally {
        await plain.close();
      }

      const down = await rejectionOf(
        replay({ requestId: 'never-recorded-01', baseUrl: new URL(await unreachableUrl('/')).origin }, depsFor()),
      );
      expect(down.message).to.contain('does not answer');
    });

    it('is one command: the compiled script replays by id', async () => {
      await createConversation('replay-cli-000001', 'From the command line');
      const script = path.resolve(__dirname, '../../scripts/replay-request.js');
      const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'development' };
      const { stdout, stderr } = await run(process.execPath, [script, 'replay-cli-000001', '--base-url', app.url], {
        env,
        encoding: 'utf8',
      });
      expect(stdout.startsWith('HTTP 201\n'), stderr).to.equal(true);
      expect(stdout).to.contain('From the command line');
      expect((await titles()).filter((t) => t === 'From the command line')).to.have.length(2);
    });
  });
});
