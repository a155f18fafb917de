import { serveMetrics } from '../metrics/metrics-access';
import { CONFIG } from '../../../config/config';
import { METRICS } from '../../../ports/metrics.port';
import type { RouteDeps } from '../routing/route-deps';
import { HANDLED, type RouteSpec } from '../routing/route-spec';

export function metricsRoutes(deps: RouteDeps): RouteSpec[] {
  const access = { config: deps.get(CONFIG), metrics: deps.get(METRICS) };

  return [
    {
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      rateLimit: 'exempt',
      public: true,
      tags: ['Health'],
      summary: 'Prometheus metrics',
      description:
        'Prometheus text format: requests by method, route template and status; durations; chat streams (active, started, ended by outcome, time to first token, duration, deltas); ' +
        'upstream calls, retries and circuit state; cache results; rate-limit rejections; errors by code; tokens and cost by model. No label carries a user id. ' +
        'Served when `ENABLE_METRICS` is true; with `METRICS_TOKEN` set it requires `Authorization: Bearer <METRICS_TOKEN>`. ' +
        'With `METRICS_PORT` set it is served only by that separate listener (on `METRICS_HOST`) and this port answers 404. ' +
        'Production refuses to start with metrics on unless one of the two protects them.',
      responses: {
        200: {
          description: 'The metrics.',
          contentType: 'text/plain; version=0.0.4',
          example: '# HELP chat_streams_active Chat streams open now.\n# TYPE chat_streams_active gauge\nchat_streams_active 3\n',
        },
      },
      errors: ['AUTH_REQUIRED', 'AUTH_INVALID', 'NOT_FOUND'],
      async handler({ koa }) {
        await serveMetrics(koa, access, 'main');
        return HANDLED;
      },
    },
  ];
}
