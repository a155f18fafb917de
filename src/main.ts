import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { SERVICE_LIFECYCLE, type ServiceLifecycle } from './application/service-lifecycle';
import { ADAPTER_BINDINGS, buildContainer, RESOURCES, type AdapterBinding, type Resources } from './composition-root';
import type { Config } from './config/config';
import { ConfigError, loadConfig } from './config/load-config';
import { createApp } from './interface/http/app';
import { createHttpServer } from './interface/http/server';
import { LOGGER, type Logger } from './ports/logger.port';

const SHUTDOWN_DEADLINE_MS = 10_000;

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
      `    curl -s -H "Authorization: Bearer $TOKEN" ${baseUrl}/health`,
    );
  }
  return `${lines.join('\n')}\n`;
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
  const app = createApp(container);
  const server = createHttpServer(app);

  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = config.publicBaseUrl ?? `http://localhost:${port}`;
  const bindings = container.resolve<AdapterBinding[]>(ADAPTER_BINDINGS);
  logger.info({ adapters: bindings, port, docs: `${baseUrl}/docs`, environment: config.nodeEnv, version: config.version }, 'started');
  if (!config.isProduction) process.stderr.write(banner(config, bindings, baseUrl));

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    container.resolve<ServiceLifecycle>(SERVICE_LIFECYCLE).startDraining(Date.now());
    const deadline = setTimeout(() => {
      logger.warn({}, 'shutdown deadline reached; closing remaining connections');
      server.closeAllConnections();
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    server.close(() => {
      void container
        .resolve<Resources>(RESOURCES)
        .closeAll(logger)
        .then(() => {
          logger.info({}, 'stopped');
          process.exit(0);
        });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

void main();
