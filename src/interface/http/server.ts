import http from 'node:http';
import type Koa from 'koa';
import type { Config } from '../../config/config';

export interface ServerOptions {
  /** Above the load balancer's idle timeout, so the balancer never reuses a socket we just closed. */
  keepAliveTimeoutMs: number;
  headersTimeoutMs: number;
  /** Bounds a request's body and headers, not a streamed response. */
  requestTimeoutMs: number;
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  keepAliveTimeoutMs: 65_000,
  headersTimeoutMs: 66_000,
  requestTimeoutMs: 60_000,
};

/** The server options of a configuration: the request timeout stays fixed, the rest follows HTTP_KEEP_ALIVE_TIMEOUT_MS. */
export function serverOptions(config: Pick<Config, 'httpKeepAliveTimeoutMs'>): ServerOptions {
  return {
    ...DEFAULT_SERVER_OPTIONS,
    keepAliveTimeoutMs: config.httpKeepAliveTimeoutMs,
    // Above keep-alive: a request arriving just before the idle timeout still gets its full header time.
    headersTimeoutMs: config.httpKeepAliveTimeoutMs + 1000,
  };
}

export function createHttpServer(app: Koa, options: ServerOptions = DEFAULT_SERVER_OPTIONS): http.Server {
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  server.headersTimeout = options.headersTimeoutMs;
  server.requestTimeout = options.requestTimeoutMs;
  return server;
}
