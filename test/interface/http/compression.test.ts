import { expect } from 'chai';
import http from 'node:http';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { buildContainer } from '../../../src/composition-root';
import { createApp } from '../../../src/interface/http/app';
import { DEFAULT_SERVER_OPTIONS, createHttpServer, serverOptions } from '../../../src/interface/http/server';
import { HANDLED } from '../../../src/interface/http/routing/route-spec';
import { chooseEncoding } from '../../../src/interface/http/middleware/compress-json';
import { loadConfig } from '../../../src/config/load-config';
import { LogCollector } from '../../support/log-collector';
import { startApp, type RunningApp } from '../../support/http';
import { useRealHttp } from '../../support/real-http';
import { testConfig } from '../../support/test-config';
import { testRoute } from '../../support/test-routes';
import { bearer, devToken, USER_A } from '../../support/tokens';
import { thrownBy } from '../../support/async';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A request with exactly the headers given: fetch would add its own Accept-Encoding and decode. */
function raw(url: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (p: Buffer) => parts.push(p));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const STREAMED_JSON = testRoute({
  method: 'get',
  path: '/test-streamed-json',
  public: true,
  async handler({ koa }) {
    koa.type = 'application/json';
    koa.body = Readable.from(['[', Array.from({ length: 200 }, (_, i) => JSON.stringify({ i, text: 'row' })).join(','), ']']);
    return HANDLED;
  },
});

describe('Compression of JSON responses', () => {
  useRealHttp();
  let app: RunningApp;
  let identity: Buffer;

  before(async () => {
    app = await startApp({ config: testConfig({ LOCAL_MODEL_TOKEN_DELAY_MS: '0' }), extraRoutes: [STREAMED_JSON] });
    identity = (await raw(`${app.url}/openapi.json`, {})).body;
    expect(identity.length, 'the document is a large JSON body').to.be.greaterThan(10_000);
  });
  after(() => app.close());

  it('gzips a large JSON body when the client accepts gzip, with Vary: Accept-Encoding', async () => {
    const res = await raw(`${app.url}/openapi.json`, { 'Accept-Encoding': 'gzip' });
    expect(res.status).to.equal(200);
    expect(res.headers['content-encoding']).to.equal('gzip');
    expect(res.headers.vary).to.match(/accept-encoding/i);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    expect(Number(res.headers['content-length'])).to.equal(res.body.length);
    expect(res.body.length).to.be.lessThan(identity.length / 3);
    expect(zlib.gunzipSync(res.body).equals(identity)).to.equal(true);
  });

  it('prefers brotli when the client accepts both', async () => {
    const res = await raw(`${app.url}/openapi.json`, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(res.headers['content-encoding']).to.equal('br');
    expect(zlib.brotliDecompressSync(res.body).equals(identity)).to.equal(true);
  });

  it('sends identity when the client asks for it or refuses gzip, still with Vary', async () => {
    for (const accept of ['identity', 'gzip;q=0, br;q=0', '']) {
      const res = await raw(`${app.url}/openapi.json`, accept ? { 'Accept-Encoding': accept } : {});
      expect(res.headers['content-encoding'], accept).to.equal(undefined);
      expect(res.headers.vary, accept).to.match(/accept-encoding/i);
      expect(res.body.equals(identity)).to.equal(true);
    }
  });

  it("chooses by the client's weights, br on a tie", () => {
    expect(chooseEncoding('gzip, deflate, br, zstd')).to.equal('br');
    expect(chooseEncoding('br;q=0.5, gzip')).to.equal('gzip');
    expect(chooseEncoding('gzip;q=0.8, *;q=0.9')).to.equal('br');
    expect(chooseEncoding('deflate')).to.equal(undefined);
    expect(chooseEncoding('*;q=0')).to.equal(undefined);
    expect(chooseEncoding('')).to.equal(undefined);
  });

  it('leaves a small JSON body (under 1 KB) as it is', async () => {
    const res = await raw(`${app.url}/health/live`, { 'Accept-Encoding': 'gzip, br' });
    expect(res.status).to.equal(200);
    expect(res.headers['content-encoding']).to.equal(undefined);
    expect(res.headers.vary).to.match(/accept-encoding/i);
    expect(JSON.parse(res.body.toString('utf8'))).to.include({ status: 'alive' });
  });

  it('compresses a streamed JSON body as it goes (no Content-Length)', async () => {
    const res = await raw(`${app.url}/test-streamed-json`, { 'Accept-Encoding': 'gzip' });
    expect(res.headers['content-encoding']).to.equal('gzip');
    expect(res.headers['content-length']).to.equal(undefined);
    expect(JSON.parse(zlib.gunzipSync(res.body).toString('utf8'))).to.have.length(200);
  });

  it('never compresses an SSE stream, even when the client accepts gzip and br', async () => {
    const res = await raw(
      `${app.url}/v1/chat/completions`,
      { ...bearer(devToken(USER_A)), 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip, br' },
      'POST',
      JSON.stringify({ message: 'a reply long enough to be worth compressing, if it were JSON: '.repeat(30) }),
    );
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/event-stream/);
    expect(res.headers['content-encoding']).to.equal(undefined);
    const text = res.body.toString('utf8');
    expect(text.length).to.be.greaterThan(1024);
    expect(text.startsWith('id: 1\ndata: {')).to.equal(true);
    expect(text.trimEnd().endsWith('data: [DONE]')).to.equal(true);
  });
});

describe('HTTP server settings for a load balancer', () => {
  it('keeps idle connections longer than a 60 s balancer idle timeout by default', () => {
    const config = testConfig();
    const server = createHttpServer(createApp(buildContainer(config, { logStream: new LogCollector() })), serverOptions(config));
    expect(server.keepAliveTimeout).to.equal(65_000);
    expect(server.keepAliveTimeout).to.be.greaterThan(60_000);
    expect(server.headersTimeout).to.be.greaterThan(server.keepAliveTimeout);
    expect(server.requestTimeout).to.equal(DEFAULT_SERVER_OPTIONS.requestTimeoutMs);
    expect(serverOptions(config)).to.deep.equal(DEFAULT_SERVER_OPTIONS);
  });

  it('follows HTTP_KEEP_ALIVE_TIMEOUT_MS for balancers with a longer idle timeout', () => {
    const config = testConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '620000' });
    const server = createHttpServer(createApp(buildContainer(config, { logStream: new LogCollector() })), serverOptions(config));
    expect(server.keepAliveTimeout).to.equal(620_000);
    expect(server.headersTimeout).to.equal(621_000);
    expect(thrownBy(() => loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '500' })).message).to.contain('HTTP_KEEP_ALIVE_TIMEOUT_MS');
  });
});
