import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { Config } from '../../../config/config';
import { AppError } from '../../../domain/errors/app-error';
import type { Metrics } from '../../../ports/metrics.port';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Where metrics are served: the main port, or only the separate METRICS_PORT listener. */
export type MetricsListener = 'main' | 'metrics_port';

/**
 * Answers a metrics scrape on `listener`: 404 where metrics are not served (disabled, or the main
 * port while METRICS_PORT is set), the bearer check when METRICS_TOKEN is set (on either listener).
 */
/** What a scrape needs: the settings that protect metrics, and the registry. */
export interface MetricsAccess {
  config: Config;
  metrics: Metrics;
}

export async function serveMetrics(ctx: Context, { config, metrics }: MetricsAccess, listener: MetricsListener): Promise<void> {
  if (!config.enableMetrics) throw new AppError('NOT_FOUND', 'Metrics are disabled');
  const servedHere = config.metricsPort === undefined ? listener === 'main' : listener === 'metrics_port';
  if (!servedHere) throw new AppError('NOT_FOUND', 'Not found');
  if (config.metricsToken) {
    const header = ctx.get('Authorization');
    if (!header) throw new AppError('AUTH_REQUIRED', 'Metrics require the metrics token');
    if (!sameSecret(header.replace(/^Bearer\s+/i, ''), config.metricsToken)) throw new AppError('AUTH_INVALID', 'Wrong metrics token');
  }
  const { contentType, body } = await metrics.render();
  ctx.type = contentType;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}
