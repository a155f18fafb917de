import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVICE_LIFECYCLE, type ServiceLifecycle } from './application/service/service-lifecycle';
import { ADAPTER_BINDINGS, buildContainer, RESOURCES, type AdapterBinding, type Resources } from './composition-root';
import type { Config } from './config/config';
import { ConfigError, loadConfig } from './config/load-config';
import { createApp } from './interface/http/app';
import { listenForMetrics, wantsMetricsListener } from './interface/http/metrics/metrics-server';
import { createHttpServer, serverOptions } from './interface/http/server';
import { LOGGER, type Logger } from './ports/logger.port';

/** Streams told to end get this long to write their last events before sockets are closed. */
const STREAM_END_GRACE_MS = 2_000;
const POLL_MS = 50;

function banner(config: Config, bindings: AdapterBinding[], baseUrl: string): string {
  const width = Math.max(...bindings.map((b) => b.port.length));
  const rows = bindings.map((b) => `  ${b.port.padEnd(width)}  ${b.adapter}${b.target ? ` (${b.target})` : ''}`);
  const lines = [
    `ai-chat-gateway ${config.version} (${config.nodeEnv}) listening on ${baseUrl}`,
    ...rows,
    `  docs: ${baseUrl}/docs   openapi: ${baseUrl}/openapi.json   health: ${baseUrl}/health`,
  ];
  if (!config.isProduction) {
    lines.push(
      '  try it:',
      '    TOKEN=$(npm run --silent token -- 11111111-1111-4111-8111-111111111111)',
      `    curl -N -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"message":"Hello"}' ${baseUrl}/v1/chat/completions`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Resolves when `done()` holds or `ms` have passed; true when it held. */
async function waitFor(done: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}

/**
 * SIGTERM: readiness turns 503 and no new connection is accepted; in-flight requests and streams
 * get the configured deadline; streams still open then end with an error event and `[DONE]`
 * (their partial replies are saved); then Redis and the upstream pools close, and the process
 * exits 0.
 */
async function drain(server: Server, lifecycle: ServiceLifecycle, resources: Resources, logger: Logger, deadlineMs: number): Promise<void> {
  lifecycle.startDraining(Date.now());
  logger.info({ in_flight: lifecycle.inFlightRequests, streams: lifecycle.openStreams, deadline_ms: deadlineMs }, 'draining');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const drained = await waitFor(() => lifecycle.inFlightRequests === 0, deadlineMs);
  if (!drained) {
    logger.warn(
      { in_flight: lifecycle.inFlightRequests, streams: lifecycle.openStreams },
      'shutdown deadline reached; ending open streams',
    );
    lifecycle.endAllStreams();
    await waitFor(() => lifecycle.inFlightRequests === 0, STREAM_END_GRACE_MS);
  }
  // What is left is idle keep-alive sockets (or requests past every deadline).
  server.closeAllConnections();
  await closed;
  await resources.closeAll(logger);
  logger.info({}, 'stopped');
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const container = buildContainer(config);
  const logger = container.resolve<Logger>(LOGGER);
  const server = createHttpServer(createApp(container), serverOptions(config));

  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = config.publicBaseUrl ?? `http://localhost:${port}`;
  if (wantsMetricsListener(config)) {
    try {
      const metricsServer = await listenForMetrics(container, config);
      const metricsPort = (metricsServer.address() as AddressInfo).port;
      logger.info({ metrics_host: config.metricsHost, metrics_port: metricsPort }, 'metrics listening');
      container.resolve<Resources>(RESOURCES).add('metrics-listener', async () => {
        metricsServer.closeAllConnections();
        await new Promise((resolve) => metricsServer.close(resolve));
      });
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(1);
    }
  }
  const bindings = container.resolve<AdapterBinding[]>(ADAPTER_BINDINGS);
  logger.info({ adapters: bindings, port, docs: `${baseUrl}/docs`, environment: config.nodeEnv, version: config.version }, 'started');
  if (!config.isProduction) process.stderr.write(banner(config, bindings, baseUrl));

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutdown requested');
    drain(
      server,
      container.resolve<ServiceLifecycle>(SERVICE_LIFECYCLE),
      container.resolve<Resources>(RESOURCES),
      logger,
      config.shutdownDeadlineSeconds * 1000,
    )
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

void main();
