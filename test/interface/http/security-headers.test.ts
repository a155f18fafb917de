import { expect } from 'chai';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Config } from '../../../src/config/config';
import { errorHandler } from '../../../src/interface/http/middleware/error-handler';
import { securityHeaders } from '../../../src/interface/http/middleware/security';
import { LLM_GATEWAY } from '../../../src/ports/llm-gateway.port';
import { ScriptedLlmGateway } from '../../fakes/scripted-llm-gateway';
import { expectErrorEnvelope } from '../../support/envelope';
import { startApp, type RunningApp } from '../../support/http';
import { RecordingLogger } from '../../support/recording-logger';
import { testConfig } from '../../support/test-config';
import { BOOM_ROUTE, ITEM_ROUTE } from '../../support/test-routes';
import { bearer, devToken, USER_A } from '../../support/tokens';

const ALLOWED_ORIGIN = 'https://app.example.com';
const UNKNOWN_ORIGIN = 'https://evil.example.net';

/** The headers helmet must put on every response, whatever produced it. */
function expectSecurityHeaders(res: Response, what: string): void {
  const h = res.headers;
  expect(h.get('content-security-policy'), what).to.contain("script-src 'self'");
  expect(h.get('content-security-policy'), what).to.contain("frame-ancestors 'none'");
  expect(h.get('x-content-type-options'), what).to.equal('nosniff');
  expect(h.get('x-frame-options'), what).to.equal('SAMEORIGIN');
  expect(h.get('referrer-policy'), what).to.equal('no-referrer');
  expect(h.get('cross-origin-resource-policy'), what).to.equal('same-site');
  expect(h.get('cross-origin-opener-policy'), what).to.equal('same-origin');
  expect(h.get('x-dns-prefetch-control'), what).to.equal('off');
  expect(h.get('x-powered-by'), what).to.equal(null);
  expect(h.get('x-request-id'), what).to.be.a('string');
  expect(h.get('strict-transport-security'), `${what}: HSTS only in production`).to.equal(null);
}

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name as string, values]),
  );
}

describe('Security headers, CSP and CORS', () => {
  let app: RunningApp;

  before(async () => {
    app = await startApp({
      config: testConfig({ CORS_ORIGINS: ALLOWED_ORIGIN, RATE_LIMIT_WRITES: '3', BODY_LIMIT_BYTES: '1024' }),
      extraRoutes: [ITEM_ROUTE, BOOM_ROUTE],
      configure: (c) => c.registerInstance(LLM_GATEWAY, new ScriptedLlmGateway()),
    });
  });
  after(() => app.close());

  describe('on every response, errors included', () => {
    it('200, 404, 405, 401, 413, 415, 422, 500 and 429', async () => {
      const token = devToken(randomUUID());
      const json = { ...bearer(token), 'Content-Type': 'application/json' };
      const cases: [string, number, Promise<Response>][] = [
        ['GET /health/live', 200, app.request('/health/live')],
        ['GET /v1/user/profile', 200, app.request('/v1/user/profile', { headers: bearer(token) })],
        ['unknown path', 404, app.request('/no/such/path')],
        ['wrong method', 405, app.request('/health/live', { method: 'DELETE' })],
        ['no token', 401, app.request('/v1/conversations')],
        [
          'too large',
          413,
          app.request('/v1/conversations', { method: 'POST', headers: json, body: JSON.stringify({ title: 'x'.repeat(2000) }) }),
        ],
        [
          'not JSON',
          415,
          app.request('/v1/conversations', { method: 'POST', headers: { ...bearer(token), 'Content-Type': 'text/plain' }, body: 'hi' }),
        ],
        ['invalid body', 422, app.request(`/v1/test-items/${randomUUID()}`, { method: 'POST', headers: json, body: '{}' })],
        ['a bug', 500, app.request('/v1/test-boom', { headers: bearer(token) })],
      ];
      for (const [what, status, pending] of cases) {
        const res = await pending;
        expect(res.status, what).to.equal(status);
        expectSecurityHeaders(res, what);
        await res.body?.cancel();
      }
      // The write budget (3) is spent by the 413, the 415 and the 422 above (a user's limit is checked before the body is read): the next write is refused.
      const limited = await app.request('/v1/conversations', { method: 'POST', headers: json, body: '{}' });
      expect(limited.status).to.equal(429);
      expectSecurityHeaders(limited, '429');
    });

    it('on a chat stream', async () => {
      const res = await app.request('/v1/chat/completions', {
        method: 'POST',
        headers: { ...bearer(devToken(USER_A)), 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'hello' }),
      });
      expect(res.headers.get('content-type')).to.match(/^text\/event-stream/);
      expectSecurityHeaders(res, 'SSE');
      expect(await res.text()).to.contain('[DONE]');
    });

    it('sends HSTS in production only, on errors too', async () => {
      const serve = async (isProduction: boolean) => {
        const koa = new Koa();
        koa.silent = true;
        koa.use(errorHandler(new RecordingLogger()));
        koa.use(securityHeaders({ isProduction } as Config));
        koa.use(async (ctx) => {
          if (ctx.path === '/boom') throw new Error('boom');
          ctx.body = { ok: true };
        });
        const server = koa.listen(0, '127.0.0.1');
        await new Promise((resolve) => server.once('listening', resolve));
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        try {
          const ok = await fetch(`${base}/`);
          const boom = await fetch(`${base}/boom`);
          expect(boom.status).to.equal(500);
          return [ok.headers.get('strict-transport-security'), boom.headers.get('strict-transport-security')];
        } finally {
          server.close();
        }
      };
      expect(await serve(true)).to.deep.equal(['max-age=31536000; includeSubDomains', 'max-age=31536000; includeSubDomains']);
      expect(await serve(false)).to.deep.equal([null, null]);
    });
  });

  describe('the documentation page under the CSP', () => {
    it('loads only same-origin scripts and styles, with no inline script, under a CSP that allows exactly that', async () => {
      const res = await app.request('/docs');
      expect(res.status).to.equal(200);
      expectSecurityHeaders(res, '/docs');
      const csp = directives(res.headers.get('content-security-policy') as string);
      expect(csp.get('script-src')).to.deep.equal(["'self'"]);
      expect(csp.get('default-src')).to.deep.equal(["'self'"]);
      expect(csp.get('connect-src')).to.deep.equal(["'self'"]);
      expect(csp.get('object-src')).to.deep.equal(["'none'"]);

      const html = await res.text();
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts.length).to.be.greaterThan(0);
      const sources: string[] = [];
      for (const [, attributes, inline] of scripts) {
        expect(inline?.trim(), 'no inline script').to.equal('');
        const src = /\bsrc="([^"]+)"/.exec(attributes as string)?.[1];
        expect(src, 'every script has a same-origin src').to.match(/^\/docs\//);
        sources.push(src as string);
      }
      expect(html, 'no inline event handler').not.to.match(/\son[a-z]+\s*=/i);
      const styles = [...html.matchAll(/<link\b[^>]*href="([^"]+)"/gi)].map((m) => m[1] as string);
      for (const href of styles) expect(href).to.match(/^\/docs\//);

      for (const path of [...sources, ...styles]) {
        const asset = await app.request(path);
        expect(asset.status, path).to.equal(200);
        expect(asset.headers.get('content-type'), path).to.match(/^(text\/javascript|text\/css|image\/png)/);
        expectSecurityHeaders(asset, path);
        const body = await asset.text();
        if (path.endsWith('init.js')) expect(body, 'the UI reads the document from the same origin').to.contain("url: '/openapi.json'");
      }
      expect((await app.request('/openapi.json')).status).to.equal(200);
    });
  });

  describe('CORS from the allow-list', () => {
    const preflight = (origin: string) =>
      app.request('/v1/conversations', {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });

    it('answers a preflight from an allowed origin without a token', async () => {
      const res = await preflight(ALLOWED_ORIGIN);
      expect(res.status).to.equal(204);
      expect(res.headers.get('access-control-allow-origin')).to.equal(ALLOWED_ORIGIN);
      expect(res.headers.get('access-control-allow-methods')).to.contain('POST');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).to.contain('authorization');
      expect(res.headers.get('access-control-max-age')).to.equal('600');
      expect(res.headers.get('vary')).to.contain('Origin');
      expectSecurityHeaders(res, 'preflight');
    });

    it('refuses a preflight from an unknown origin with 403 FORBIDDEN and no CORS header', async () => {
      const res = await app.json('/v1/conversations', {
        method: 'OPTIONS',
        headers: { Origin: UNKNOWN_ORIGIN, 'Access-Control-Request-Method': 'POST' },
      });
      expectErrorEnvelope(res, 403, 'FORBIDDEN');
      expect(res.headers.get('access-control-allow-origin')).to.equal(null);
      expect(res.headers.get('access-control-allow-methods')).to.equal(null);
      expect(res.headers.get('vary')).to.contain('Origin');
    });

    it('serves a simple request from an unknown origin without CORS headers (the browser withholds it), from an allowed one with them', async () => {
      const token = devToken(USER_A);
      const unknown = await app.request('/v1/user/profile', { headers: { ...bearer(token), Origin: UNKNOWN_ORIGIN } });
      expect(unknown.status).to.equal(200);
      expect(unknown.headers.get('access-control-allow-origin')).to.equal(null);

      const allowed = await app.request('/v1/user/profile', { headers: { ...bearer(token), Origin: ALLOWED_ORIGIN } });
      expect(allowed.headers.get('access-control-allow-origin')).to.equal(ALLOWED_ORIGIN);
      expect(allowed.headers.get('access-control-expose-headers')).to.contain('X-Request-Id');
      expect(allowed.headers.get('access-control-expose-headers')).to.contain('Retry-After');

      // An error keeps its CORS headers, so the page can read the 401 and send the user to sign in.
      const denied = await app.request('/v1/user/profile', { headers: { Origin: ALLOWED_ORIGIN } });
      expect(denied.status).to.equal(401);
      expect(denied.headers.get('access-control-allow-origin')).to.equal(ALLOWED_ORIGIN);
    });

    it('leaves requests without Origin alone: a plain OPTIONS lists the methods', async () => {
      const res = await app.request('/v1/conversations', { method: 'OPTIONS' });
      expect(res.status).to.equal(204);
      expect(res.headers.get('allow')).to.contain('POST');
      expect(res.headers.get('access-control-allow-origin')).to.equal(null);
    });
  });
});
