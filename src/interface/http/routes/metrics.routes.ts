import { timingSafeEqual } from 'node:crypto';
import { CONFIG } from '../../../config/config';
import { AppError } from '../../../domain/errors/app-error';
import { METRICS } from '../../../ports/metrics.port';
import { HANDLED, type RouteSpec } from '../routing/route-spec';
import type { RouteDeps } from '../routing/route-deps';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function metricsRoutes(deps: RouteDeps): RouteSpec[] {
  const config = deps.get(CONFIG);
  const metrics = deps.get(METRICS);

  return [
    {
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      public: true,
      tags: ['Health'],
      summary: 'Prometheus metrics',
      description:
        'Prometheus text format: requests by method, route template and status; durations; chat streams (active, started, ended by outcome, time to first token, duration, deltas); ' +
        'upstream calls, retries and circuit state; cache results; rate-limit rejections; errors by code; tokens and cost by model. No label carries a user id. ' +
        'Served when `ENABLE_METRICS` is true; with `METRICS_TOKEN` set it requires `Authorization: Bearer <METRICS_TOKEN>`.',
      responses: {
        200: {
          description: 'The metrics.',
          contentType: 'text/plain; version=0.0.4',
          example: '# HELP chat_streams_active Chat streams open now.\n# TYPE chat_streams_active gauge\nchat_streams_active 3\n',
        },
      },
      errors: ['AUTH_REQUIRED', 'AUTH_INVALID', 'NOT_FOUND'],
      async handler({ koa }) {
        if (!config.enableMetrics) throw new AppError('NOT_FOUND', 'Metrics are disabled');
        if (config.metricsToken) {
          const header = koa.get('Authorization');
          if (!header) throw new AppError('AUTH_REQUIRED', 'Metrics require the metrics token');
          if (!sameSecret(header.replace(/^Bearer\s+/i, ''), config.metricsToken))
            throw new AppError('AUTH_INVALID', 'Wrong metrics token');
        }
        const { contentType, body } = await metrics.render();
        koa.type = contentType;
        koa.set('Cache-Control', 'no-store');
        koa.body = body;
        return HANDLED;
      },
    },
  ];
}
