/**
 * A typed client of the gateway, generated from openapi/openapi.json (`npm run client:generate`
 * writes ./schema.d.ts; this file only wires openapi-fetch to it).
 *
 *   const api = createGatewayClient('https://gateway.example.com', () => session.access_token);
 *   const { data, error } = await api.GET('/v1/conversations/{id}', { params: { path: { id } } });
 *
 * Only JSON answers are typed: read chat streams with `fetch` and a stream reader (see
 * docs/integration-guide.md) and call the chat operations here with `stream: false`.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

export type * from './schema';

export type GatewayClient = Client<paths, `${string}/json`>;

/** The access token, or a function that returns the current one (called before every request). */
export type TokenSource = string | (() => string | Promise<string>);

export interface GatewayClientOptions {
  /** A fetch implementation (tests, older runtimes); the global one by default. */
  fetch?: typeof fetch;
}

export function createGatewayClient(baseUrl: string, token: TokenSource, options: GatewayClientOptions = {}): GatewayClient {
  const client = createClient<paths, `${string}/json`>({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  client.use({
    async onRequest({ request }) {
      const value = typeof token === 'function' ? await token() : token;
      request.headers.set('Authorization', `Bearer ${value}`);
      return request;
    },
  });
  return client;
}
