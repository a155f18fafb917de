import type { AddressInfo } from 'node:net';
import type { DependencyContainer } from 'tsyringe';
import { buildContainer, type ContainerOverrides } from '../../src/composition-root';
import type { Config } from '../../src/config/config';
import { createApp, type AppOptions } from '../../src/interface/http/app';
import { createHttpServer } from '../../src/interface/http/server';
import { LogCollector } from './log-collector';
import { testConfig } from './test-config';

export interface RunningApp {
  url: string;
  container: DependencyContainer;
  logs: LogCollector;
  close(): Promise<void>;
  request(path: string, init?: RequestInit): Promise<Response>;
  /** A request whose JSON body is returned with the response. */
  json<T = Record<string, unknown>>(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: T }>;
}

export interface StartOptions extends AppOptions {
  config?: Config;
  overrides?: ContainerOverrides;
  /** Changes to the container before the app is built (e.g. replacing a port). */
  configure?: (container: DependencyContainer) => void;
  /** Address to listen on and call (default 127.0.0.1); a non-loopback one makes callers remote. */
  host?: string;
}

/** The real app on an ephemeral port of 127.0.0.1 (or `options.host`). */
export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  const logs = new LogCollector();
  const config = options.config ?? testConfig({ LOG_LEVEL: 'info' });
  const container = buildContainer(config, { logStream: logs, ...options.overrides });
  options.configure?.(container);
  const server = createHttpServer(createApp(container, { extraRoutes: options.extraRoutes }));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  const request = (path: string, init?: RequestInit) => fetch(`${url}${path}`, init);
  return {
    url,
    container,
    logs,
    request,
    async json<T>(path: string, init?: RequestInit) {
      const res = await request(path, init);
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
