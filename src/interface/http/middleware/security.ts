import cors from '@koa/cors';
import type { Middleware } from 'koa';
import helmet from 'koa-helmet';
import type { Config } from '../../../config/config';

/**
 * Security headers on every response. The CSP allows only same-origin scripts and styles
 * (Swagger UI's inline styles need 'unsafe-inline' for styles, never for scripts).
 */
export function securityHeaders(config: Config): Middleware {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: config.isProduction ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginResourcePolicy: { policy: 'same-site' },
  }) as unknown as Middleware;
}

export const EXPOSED_HEADERS = [
  'X-Request-Id',
  'X-Conversation-Id',
  'X-Branch-Id',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Content-Disposition',
];

/** CORS for the origins of the allow-list only; other origins get no CORS headers at all. */
export function corsFromAllowList(config: Config): Middleware {
  const allowed = new Set(config.corsOrigins);
  const any = allowed.has('*');
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return origin && (any || allowed.has(origin)) ? origin : '';
    },
    allowMethods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Idempotency-Key'],
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    keepHeadersOnError: true,
  });
}
