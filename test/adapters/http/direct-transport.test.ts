import axios from 'axios';
import { expect } from 'chai';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { directRequest, directUrl, isDirectConfig, type DirectAgents } from '../../../src/adapters/http/direct-transport';
import { requestTarget } from '../../../src/adapters/http/request-target';
import { UpstreamClient } from '../../../src/adapters/http/upstream-client';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { proxyConfigured } from '../../../src/config/proxy-environment';
import { RecordingLogger } from './upstream-test-kit';
import { useRealHttp } from '../../support/real-http';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('direct upstream transport (node:http beneath the axios-shaped calls)', () => {
  useRealHttp();
  let server: http.Server;
  let base: string;
  let seen: Seen[];
  let agents: DirectAgents;
  const sockets = new Set<import('node:net').Socket>();
  let connections = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (p: string) => (body += p));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const path = (req.url ?? '').split('?')[0]?.replace(/^\/api/, '');
        if (path === '/json') res.writeHead(200, { 'Content-Type': 'application/json' }).end('\uFEFF{"ok":true}');
        else if (path === '/text') res.writeHead(502, { 'Content-Type': 'text/plain', 'Retry-After': '3' }).end('Bad Gateway');
        else if (path === '/empty') res.writeHead(204).end();
        else if (path === '/gzip') res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(zlib.gzipSync('{"zipped":1}'));
        else if (path === '/br') res.writeHead(200, { 'Content-Encoding': 'br' }).end(zlib.brotliCompressSync('{"br":1}'));
        else if (path === '/big') res.writeHead(200).end('x'.repeat(10_000));
        else if (path === '/slow') setTimeout(() => res.writeHead(200).end('{}'), 500);
        else if (path === '/stream') {
          res.writeHead(200, { 'Content-Type': 'text/event-stream' });
          res.write('data: 1\n\n');
          // never ends: the caller closes it
        } else res.writeHead(404).end('{"error":"nope"}');
      });
    });
    server.on('connection', (s) => {
      connections += 1;
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });

  beforeEach(() => {
    seen = [];
    agents = { http: new http.Agent({ keepAlive: true, maxSockets: 4 }), https: new https.Agent({ keepAlive: true }) };
  });

  afterEach(() => {
    agents.http.destroy();
    agents.https.destroy();
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('builds the URL and query string exactly as axios does', () => {
    const cases: [string, string, Record<string, string | number | boolean | null | undefined> | undefined][] = [
      ['http://a.test/rest/v1', '/user_profiles', { select: '*', id: 'eq.1b4e28ba-2fa1-11d2-883f-0016d3cca427' }],
      ['http://a.test/rest/v1/', 'conversations', { or: '(title.ilike.*a b*,c.eq.1)', limit: 20, flag: true, none: null, gone: undefined }],
      ['http://a.test', '/x?y=1', { q: "it's (weird) ~!*$:@/?#[]&=+ é" }],
      ['http://a.test', 'http://b.test/abs', { a: 1 }],
      ['http://a.test/f', '', undefined],
      ['http://a.test/f', '/p#frag', { a: 1 }],
    ];
    for (const [baseURL, url, params] of cases) {
      expect(directUrl(baseURL, url, params)).to.equal(axios.getUri({ baseURL, url, params }));
    }
    const search = new URLSearchParams({ a: 'b c' });
    expect(directUrl('http://a.test', '/s', search)).to.equal(axios.getUri({ baseURL: 'http://a.test', url: '/s', params: search }));
  });

  it('sends every URL to the same host, port and path as parsing it with new URL would', () => {
    const urls = [
      'http://127.0.0.1:54321/functions/v1/conversation-manager/add-message',
      'http://a.test/rest/v1/user_profiles?select=*&id=eq.1b4e28ba-2fa1-11d2-883f-0016d3cca427',
      'HTTP://A.Test:80/x',
      'https://a.test',
      'https://a.test:8443/p?q=1&r=(a,b)',
      'http://a.test/a b?c=d e',
      "http://a.test/x?q=it's",
      'http://a.test/a/../b/./c',
      'http://a.test/a/%7e%zz',
      'http://a.test/p#frag',
      'http://a.test/é?é',
      'http://user:p%40ss@a.test/x',
      'http://[::1]:8080/x',
      'http://a.test/x"<>`{}',
    ];
    for (const full of urls) {
      const url = new URL(full);
      const { secure, options } = requestTarget(full);
      expect(secure, full).to.equal(url.protocol === 'https:');
      expect(options.hostname, full).to.equal(url.hostname.replace(/^\[|\]$/g, ''));
      expect(String(options.port ?? (secure ? 443 : 80)), full).to.equal(url.port || (secure ? '443' : '80'));
      expect(options.path, full).to.equal(`${url.pathname}${url.search}`);
      expect(options.auth, full).to.equal(
        url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
      );
    }
  });

  it('takes only the configs it handles as axios would; the rest go through axios', () => {
    expect(isDirectConfig({ method: 'POST', url: '/x', data: { a: 1 }, headers: { A: 'b' }, params: { q: 1 }, timeout: 5 })).to.equal(true);
    expect(isDirectConfig({ method: 'GET', url: '/x', responseType: 'stream', signal: new AbortController().signal })).to.equal(true);
    expect(isDirectConfig({ url: '/x', responseType: 'arraybuffer' })).to.equal(false);
    expect(isDirectConfig({ url: '/x', params: { list: [1, 2] } })).to.equal(false);
    expect(isDirectConfig({ url: '/x', auth: { username: 'u', password: 'p' } })).to.equal(false);
    expect(isDirectConfig({ url: '/x', transformResponse: [] })).to.equal(false);
  });

  it('sends a JSON body with the headers axios would send, and parses a JSON answer (BOM and all)', async () => {
    const res = await directRequest<{ ok: boolean }>(agents, base, {
      method: 'post',
      url: '/json',
      params: { id: 'eq.1' },
      data: { hello: 'wörld' },
      headers: { Authorization: 'Bearer t', 'X-Request-Id': 'r-1' },
    });
    expect(res.status).to.equal(200);
    expect(res.data).to.deep.equal({ ok: true });
    expect(res.headers['content-type']).to.equal('application/json');
    const call = seen[0] as Seen;
    expect(call).to.deep.include({ method: 'POST', url: '/api/json?id=eq.1', body: '{"hello":"wörld"}' });
    expect(call.headers).to.include({
      authorization: 'Bearer t',
      'x-request-id': 'r-1',
      'content-type': 'application/json',
      accept: 'application/json, text/plain, */*',
      'accept-encoding': 'gzip, compress, deflate, br',
      'content-length': String(Buffer.byteLength('{"hello":"wörld"}')),
    });
  });

  it('hands back any status as a response: text stays text, an empty answer is empty', async () => {
    const bad = await directRequest(agents, base, { method: 'GET', url: '/text' });
    expect(bad.status).to.equal(502);
    expect(bad.data).to.equal('Bad Gateway');
    expect(bad.headers['retry-after']).to.equal('3');
    const empty = await directRequest(agents, base, { method: 'DELETE', url: '/empty' });
    expect(empty.status).to.equal(204);
    expect(empty.data).to.equal('');
  });

  it('decodes gzip and brotli answers', async () => {
    expect((await directRequest(agents, base, { url: '/gzip' })).data).to.deep.equal({ zipped: 1 });
    const br = await directRequest(agents, base, { url: '/br' });
    expect(br.data).to.deep.equal({ br: 1 });
    expect(br.headers['content-encoding']).to.equal(undefined);
  });

  it('refuses an answer over maxContentLength', async () => {
    const err = await directRequest(agents, base, { url: '/big', maxContentLength: 1000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(axios.isAxiosError(err)).to.equal(true);
    expect((err as { code: string }).code).to.equal('ERR_BAD_RESPONSE');
  });

  it('times out with ETIMEDOUT, and a cancelled call is a CanceledError', async () => {
    const slow = await directRequest(agents, base, { url: '/slow', timeout: 50 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((slow as { code: string }).code).to.equal('ETIMEDOUT');
    const controller = new AbortController();
    const pending = directRequest(agents, base, { url: '/slow', signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const cancelled = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(axios.isCancel(cancelled)).to.equal(true);
    const before = seen.length;
    const already = await directRequest(agents, base, { url: '/json', signal: AbortSignal.abort() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(axios.isCancel(already)).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.length).to.equal(before);
  });

  it('streams a body, and aborting the signal destroys it and closes the upstream socket', async () => {
    const controller = new AbortController();
    const res = await directRequest<Readable>(agents, base, {
      method: 'POST',
      url: '/stream',
      data: {},
      responseType: 'stream',
      signal: controller.signal,
    });
    const first = (await res.data[Symbol.asyncIterator]().next()) as IteratorResult<Buffer>;
    expect(first.value.toString()).to.equal('data: 1\n\n');
    const closed = new Promise<void>((resolve) => res.data.once('close', () => resolve()));
    controller.abort();
    await closed;
    expect(res.data.destroyed).to.equal(true);
    for (let i = 0; i < 50 && sockets.size > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sockets.size).to.equal(0);
  });

  it('network failures keep their code, as axios reports them', async () => {
    const err = await directRequest(agents, 'http://127.0.0.1:1', { url: '/x' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(axios.isAxiosError(err)).to.equal(true);
    expect((err as { code: string }).code).to.equal('ECONNREFUSED');
  });

  it('knows when the environment names a proxy (axios then handles every call)', () => {
    expect(proxyConfigured('http://x.test', {})).to.equal(false);
    expect(proxyConfigured('http://x.test', { HTTP_PROXY: 'http://proxy:3128' })).to.equal(true);
    expect(proxyConfigured('https://x.test', { https_proxy: 'http://proxy:3128' })).to.equal(true);
    expect(proxyConfigured('https://x.test', { HTTP_PROXY: 'http://proxy:3128' })).to.equal(false);
    expect(proxyConfigured('http://x.test', { ALL_PROXY: 'socks5://p' })).to.equal(true);
    expect(proxyConfigured('http://x.test', { npm_config_proxy: 'http://p' })).to.equal(true);
  });

  it('the pool keeps every socket it opened: a burst after a pause reuses them instead of reconnecting', async () => {
    const client = new UpstreamClient(
      { name: 'pool', baseURL: base, poolSize: 100, timeoutMs: 2_000 },
      new SystemClock(),
      new RecordingLogger(),
    );
    const burst = () =>
      Promise.all(Array.from({ length: 80 }, () => client.request({ operation: 'probe', idempotent: true, method: 'GET', url: '/slow' })));
    const before = connections;
    await burst();
    expect(connections - before).to.equal(80);
    await burst();
    expect(connections - before, 'no new connection for the second burst').to.equal(80);
    (client.http.defaults.httpAgent as http.Agent).destroy();
  });
});
