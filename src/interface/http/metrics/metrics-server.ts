import Koa from 'koa';
import type http from 'node:http';
import type { DependencyContainer } from 'tsyringe';
import { CONFIG, type Config } from '../../../config/config';
import { AppError } from '../../../domain/errors/app-error';
import { ID_GENERATOR, type IdGenerator } from '../../../ports/id-generator.port';
import { LOGGER, type Logger } from '../../../ports/logger.port';
import { METRICS } from '../../../ports/metrics.port';
import { errorHandler } from '../middleware/error-handler';
import { requestId } from '../middleware/request-id';
import { createHttpServer } from '../server';
import { serveMetrics } from './metrics-access';

/**
 * The METRICS_PORT listener: `GET /metrics` and nothing else, for a scraper on an internal network.
 * Kept apart from the main app so no public route, CORS rule or rate limit applies to it.
 */
export function createMetricsServer(container: DependencyContainer): http.Server {
  const app = new Koa();
  app.silent = true;
  app.use(requestId(container.resolve<IdGenerator>(ID_GENERATOR)));
  app.use(errorHandler(container.resolve<Logger>(LOGGER).child({ component: 'metrics-listener' })));
  const access = { config: container.resolve(CONFIG), metrics: container.resolve(METRICS) };
  app.use(async (ctx) => {
    if (ctx.path !== '/metrics') throw new AppError('NOT_FOUND', 'Not found');
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD');
      throw new AppError('METHOD_NOT_ALLOWED', 'Only GET');
    }
    await serveMetrics(ctx, access, 'metrics_port');
  });
  return createHttpServer(app);
}

/** Whether metrics get their own listener (METRICS_PORT set and metrics on). */
export function wantsMetricsListener(config: Pick<Config, 'enableMetrics' | 'metricsPort'>): boolean {
  return config.enableMetrics && config.metricsPort !== undefined;
}

/** Starts the METRICS_PORT listener on METRICS_HOST; rejects with a readable reason (e.g. the port is taken). */
export async function listenForMetrics(container: DependencyContainer, config: Config): Promise<http.Server> {
  const server = createMetricsServer(container);
  await new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException): void =>
      reject(
        new Error(`METRICS_PORT ${config.metricsPort} on METRICS_HOST ${config.metricsHost} cannot be used: ${err.code ?? err.message}`),
      );
    server.once('error', fail);
    server.listen(config.metricsPort, config.metricsHost, () => {
      server.off('error', fail);
      resolve();
    });
  });
  return server;
}
