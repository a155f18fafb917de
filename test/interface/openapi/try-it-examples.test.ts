import { expect } from 'chai';
import { allRoutes } from '../../../src/interface/http/routes/all-routes';
import { toRouterPath } from '../../../src/interface/http/routing/route-spec';
import { EX } from '../../../src/interface/http/schemas/examples';
import { startApp, type RunningApp } from '../../support/http';
import { testConfig } from '../../support/test-config';
import { bearer, devToken } from '../../support/tokens';

/** Ids of the documentation's examples: a body naming one is about a resource that must exist first. */
const EXAMPLE_IDS = Object.values(EX).filter((v) => /^[0-9a-f]{8}-/.test(v));

/**
 * Swagger UI's "Try it out" sends an operation's example as it is. Where the example creates
 * something (no path parameter, no id of an existing resource), it must succeed on the embedded
 * default: a model it serves, no fixed id standing for a resource that does not exist.
 */
describe('OpenAPI body examples run as they are on the embedded default ("Try it out")', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp({ config: testConfig({ LOCAL_MODEL_TOKEN_DELAY_MS: '0' }) });
  });
  after(async () => app.close());

  const runnable = allRoutes().filter(
    (r) =>
      r.bodyExample !== undefined &&
      !toRouterPath(r.path).includes(':') &&
      !EXAMPLE_IDS.some((id) => JSON.stringify(r.bodyExample).includes(id)) &&
      !r.deprecated,
  );

  it('says in the Authorize dialog how to get a development token', async () => {
    const doc = await app.json<{ components: { securitySchemes: { bearerAuth: { description: string } } } }>('/openapi.json');
    expect(doc.body.components.securitySchemes.bearerAuth.description).to.contain('npm run token -- <user-uuid>');
  });

  it('covers the chat, conversation and profile examples', () => {
    expect(runnable.map((r) => r.operationId)).to.include.members(['createChatCompletion', 'createConversation', 'updateUserProfile']);
  });

  for (const route of runnable) {
    it(`${route.method.toUpperCase()} ${route.path} (${route.operationId})`, async () => {
      const res = await app.request(route.path, {
        method: route.method.toUpperCase(),
        headers: { ...bearer(devToken(EX.userId)), 'Content-Type': 'application/json' },
        body: JSON.stringify(route.bodyExample),
      });
      const text = await res.text();
      expect(res.status, text.slice(0, 500)).to.be.within(200, 299);
    });
  }
});
