import cors from '@koa/cors';
import type { Middleware } from 'koa';
import helmet from 'koa-helmet';
import type { Config } from '../../../config/config';
import { AppError } from '../../../domain/errors/app-error';

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

/**
 * CORS for the origins of the allow-list only. A preflight from any other origin is refused with
 * 403 FORBIDDEN (the browser then never sends the real request, and the refusal is visible in its
 * console); a simple request from such an origin is served without any CORS header, so the browser
 * withholds the response from the page. Requests without `Origin` (servers, curl) are not CORS.
 */
export function corsFromAllowList(config: Config): Middleware {
  const allowed = new Set(config.corsOrigins);
  const any = allowed.has('*');
  const isAllowed = (origin: string) => any || allowed.has(origin);
  const corsHeaders = cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return origin && isAllowed(origin) ? origin : '';
    },
    allowMethods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Idempotency-Key'],
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    keepHeadersOnError: true,
  });
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    if (ctx.method === 'OPTIONS' && origin && ctx.get('Access-Control-Request-Method') && !isAllowed(origin)) {
      ctx.vary('Origin');
      throw new AppError('FORBIDDEN', 'Cross-origin requests from this origin are not allowed', {
        details: { origin: origin.slice(0, 200) },
      });
    }
    await corsHeaders(ctx, next);
  };
}
