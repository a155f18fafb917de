import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type } from 'typebox';
import { CONFIG } from '../../../config/config';
import { AppError } from '../../../domain/errors/app-error';
import { raw, type RouteSpec } from '../routing/route-spec';
import type { RouteDeps } from '../routing/route-deps';

/** Swagger UI's own files, served from the package (no CDN), read once on first use. */
// A Map, not an object literal: a name from the URL such as `constructor` must not find an inherited property.
const ASSETS = new Map<string, string>([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['swagger-ui-standalone-preset.js', 'text/javascript; charset=utf-8'],
  ['favicon-32x32.png', 'image/png'],
]);
const assetCache = new Map<string, Buffer>();
// Resolved through package.json: the package's index would load the whole UI bundle into this process.
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

function asset(name: string): Buffer {
  let content = assetCache.get(name);
  if (!content) {
    content = readFileSync(path.join(SWAGGER_UI_DIR, name));
    assetCache.set(name, content);
  }
  return content;
}

// No inline script: the page stays usable under a strict Content-Security-Policy.
const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>AI Chat Gateway API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout'
});
`;

export function docsRoutes(deps: RouteDeps, getDocument: (version: string) => unknown): RouteSpec[] {
  const config = deps.get(CONFIG);
  return [
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      rateLimit: 'exempt',
      public: true,
      tags: ['Docs'],
      summary: 'This OpenAPI document',
      description: 'The OpenAPI 3.1 description of the API, generated from the route schemas (the same file as `openapi/openapi.json`).',
      responses: {
        200: {
          description: 'The document.',
          envelope: false,
          schema: Type.Object({}, { additionalProperties: true }),
          example: { openapi: '3.1.0' },
        },
      },
      async handler() {
        return raw(getDocument(config.version), 200, { 'Cache-Control': 'no-cache' });
      },
    },
    {
      method: 'get',
      path: '/docs',
      operationId: 'getDocs',
      rateLimit: 'exempt',
      public: true,
      tags: ['Docs'],
      summary: 'Swagger UI',
      description: 'Interactive documentation of the API.',
      responses: { 200: { description: 'An HTML page.', contentType: 'text/html', example: '<!doctype html>...' } },
      async handler({ koa }) {
        koa.type = 'text/html; charset=utf-8';
        koa.body = PAGE;
        return { kind: 'handled' };
      },
    },
    {
      method: 'get',
      path: '/docs/{asset}',
      operationId: 'getDocsAsset',
      rateLimit: 'exempt',
      public: true,
      tags: ['Docs'],
      summary: 'Swagger UI asset',
      description: 'Scripts and styles of the documentation page.',
      params: Type.Object(
        { asset: Type.String({ maxLength: 64, pattern: '^[a-z0-9.-]+$', description: 'File name.' }) },
        { additionalProperties: false },
      ),
      responses: { 200: { description: 'The file.', contentType: 'application/octet-stream', example: '...' } },
      errors: ['NOT_FOUND'],
      async handler({ params, koa }) {
        const name = (params as { asset: string }).asset;
        if (name === 'init.js') {
          koa.type = 'text/javascript; charset=utf-8';
          koa.body = INIT;
          return { kind: 'handled' };
        }
        const type = ASSETS.get(name);
        if (!type) throw new AppError('NOT_FOUND', `No documentation asset ${name}`);
        koa.type = type;
        koa.set('Cache-Control', 'public, max-age=86400');
        koa.body = asset(name);
        return { kind: 'handled' };
      },
    },
  ];
}
