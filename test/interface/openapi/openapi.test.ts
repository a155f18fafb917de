import SwaggerParser from '@apidevtools/swagger-parser';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { generateOpenApiText, OPENAPI_FILE } from '../../../scripts/generate-openapi';
import { Type } from 'typebox';
import { allRoutes } from '../../../src/interface/http/routes/all-routes';
import { buildOpenApiDocument } from '../../../src/interface/openapi/build-openapi';
import type { RouteSpec } from '../../../src/interface/http/routing/route-spec';
import { startApp, type RunningApp } from '../../support/http';

type Json = Record<string, unknown>;
interface Media {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, unknown>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  requestBody?: { content?: Record<string, Media> };
  responses?: Record<string, { description?: string; content?: Record<string, Media> }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operations(doc: Json): { label: string; op: Operation }[] {
  const out: { label: string; op: Operation }[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (METHODS.includes(method)) out.push({ label: `${method.toUpperCase()} ${path}`, op });
    }
  }
  return out;
}

function hasExample(media: Media): boolean {
  return media.example !== undefined || (media.examples !== undefined && Object.keys(media.examples).length > 0);
}

function routeReturning(path: string, schema: ReturnType<typeof Type.Object>): RouteSpec {
  return {
    method: 'get',
    path,
    operationId: path.replace(/\W/g, ''),
    summary: 's',
    description: 'd',
    tags: ['Test'],
    responses: { 200: { description: 'ok', schema } },
    handler: () => Promise.reject(new Error('never called')),
  };
}

describe('OpenAPI document', () => {
  const committedText = (): string => readFileSync(OPENAPI_FILE, 'utf8');

  it('fails the build when two different schemas claim the same component name, and shares one reused schema', () => {
    const first = Type.Object({ a: Type.String() }, { 'x-component': 'Twin' });
    const second = Type.Object({ b: Type.Integer() }, { 'x-component': 'Twin' });
    expect(() => buildOpenApiDocument([routeReturning('/one', first), routeReturning('/two', second)], { version: '0' })).to.throw(/Twin/);
    const doc = buildOpenApiDocument([routeReturning('/one', first), routeReturning('/again', first)], { version: '0' }) as {
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.components.schemas).to.have.property('Twin');
  });

  it('openapi/openapi.json is what the code generates', () => {
    const committed = committedText();
    const generated = generateOpenApiText();
    if (committed !== generated) {
      expect.fail('openapi/openapi.json is out of date: run `npm run openapi` and commit the result.');
    }
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const doc = JSON.parse(generateOpenApiText()) as Json;
    expect(doc.openapi).to.equal('3.1.0');
    // validate() dereferences in place: give it its own copy.
    await SwaggerParser.validate(JSON.parse(generateOpenApiText()) as never);
  });

  it('documents every route of the service once, with a unique operationId', () => {
    const doc = JSON.parse(generateOpenApiText()) as Json;
    const documented = operations(doc).map((o) => o.label);
    const routes = allRoutes().map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(documented).to.have.members(routes);
    const ids = operations(doc).map((o) => o.op.operationId);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('has an operationId, summary, description and examples for every operation, body and response', () => {
    const doc = JSON.parse(generateOpenApiText()) as Json;
    const ops = operations(doc);
    expect(ops.length).to.be.greaterThan(0);
    const problems: string[] = [];
    for (const { label, op } of ops) {
      if (!op.operationId) problems.push(`${label}: no operationId`);
      if (!op.summary?.trim()) problems.push(`${label}: no summary`);
      if (!op.description?.trim()) problems.push(`${label}: no description`);
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        if (!hasExample(media)) problems.push(`${label}: request body ${type} has no example`);
      }
      const responses = Object.entries(op.responses ?? {});
      if (responses.length === 0) problems.push(`${label}: no responses`);
      for (const [status, response] of responses) {
        if (!response.description?.trim()) problems.push(`${label} ${status}: no description`);
        const content = Object.entries(response.content ?? {});
        if (content.length === 0 && status !== '204' && status !== '304') problems.push(`${label} ${status}: no content`);
        for (const [type, media] of content) {
          if (!hasExample(media)) problems.push(`${label} ${status} ${type}: no example`);
        }
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('documents the error envelope on every operation', () => {
    const doc = JSON.parse(generateOpenApiText()) as Json;
    for (const { label, op } of operations(doc)) {
      const errors = Object.entries(op.responses ?? {}).filter(([status]) => Number(status) >= 400);
      expect(
        errors.map(([s]) => s),
        label,
      ).to.include('500');
      const internal = op.responses?.['500']?.content?.['application/json'];
      expect(internal?.schema, label).to.deep.equal({ $ref: '#/components/schemas/ErrorEnvelope' });
    }
  });

  describe('served by the app', () => {
    let app: RunningApp;
    before(async () => {
      app = await startApp();
    });
    after(async () => app.close());

    it('GET /openapi.json serves the committed document', async () => {
      const res = await app.json('/openapi.json');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^application\/json/);
      expect(res.body).to.deep.equal(JSON.parse(committedText()));
    });

    it('GET /docs is an HTML page that loads only same-origin scripts, all of which are served', async () => {
      const res = await app.request('/docs');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/html/);
      const html = await res.text();
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts.length).to.be.greaterThan(0);
      const assets: string[] = [];
      for (const [tag, attributes, inline] of scripts) {
        expect(inline?.trim(), `inline script in ${tag}`).to.equal('');
        const src = /\bsrc\s*=\s*["']([^"']+)["']/i.exec(attributes ?? '')?.[1];
        expect(src, tag).to.be.a('string');
        expect(src, tag).to.match(/^\/(?!\/)/); // same origin: a path, not //host or a scheme
        assets.push(src as string);
      }
      for (const [, href] of html.matchAll(/<link\b[^>]*\bhref\s*=\s*["']([^"']+)["']/gi)) {
        expect(href).to.match(/^\/(?!\/)/);
        assets.push(href as string);
      }
      for (const asset of assets) {
        const served = await app.request(asset);
        expect(served.status, asset).to.equal(200);
        await served.arrayBuffer();
      }
      // The page's policy forbids scripts from anywhere else, inline ones included.
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).to.match(/script-src 'self'(;|$)/);
    });

    it('answers 404, not 500, for a docs asset named like an inherited property', async () => {
      for (const name of ['constructor', 'tostring', 'hasownproperty', 'valueof', 'isprototypeof']) {
        const res = await app.json<{ error: { code: string } }>(`/docs/${name}`);
        expect(res.status, name).to.equal(404);
        expect(res.body.error.code, name).to.equal('NOT_FOUND');
      }
      // Outside the asset names' pattern: refused before any lookup.
      const proto = await app.json<{ error: { code: string } }>('/docs/__proto__');
      expect(proto.body.error.code).to.equal('VALIDATION_ERROR');
    });

    it('answers 404 in the envelope for an unknown docs asset', async () => {
      const res = await app.json<{ error: { code: string } }>('/docs/not-there.js');
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('NOT_FOUND');
    });
  });
});
