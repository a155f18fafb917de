import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeLiteLlmMode = 'up' | 'error-503' | 'error-500' | 'reset' | 'auth-401';

/**
 * A local LiteLLM proxy for the catalogue and health calls (the chat calls are `fake-litellm-server.ts`) (docs/upstreams/litellm.md): `/model/info`
 * and `/v1/model/info` with the master key, `/models` with any known key, `/health/liveliness`
 * without auth. Counts calls per path; `mode` makes it fail the way LiteLLM does.
 */
export class FakeLiteLlmCatalogServer {
  readonly calls = new Map<string, number>();
  readonly authorizations: (string | undefined)[] = [];
  mode: FakeLiteLlmMode = 'up';
  /** What `/model/info` answers with when up. */
  modelInfo: unknown = { data: [] };
  /** Model ids each virtual key may use (`/models`). */
  keyModels = new Map<string, string[]>();
  /** What `/key/info` answers under `info` for each virtual key. */
  keyInfo = new Map<string, Record<string, unknown>>();
  livelinessStatus = 200;
  private server: http.Server | undefined;
  url = '';

  constructor(readonly masterKey = 'sk-master-test-key') {}

  count(path: string): number {
    return this.calls.get(path) ?? 0;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private send(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.calls.set(path, this.count(path) + 1);
    this.authorizations.push(req.headers.authorization);
    if (path === '/health/liveliness') {
      if (this.mode === 'reset') return void req.socket.destroy();
      this.send(res, this.mode === 'up' ? this.livelinessStatus : 503, "I'm alive!");
      return;
    }
    if (this.mode === 'reset') return void req.socket.destroy();
    if (this.mode === 'error-503')
      return this.send(res, 503, { error: { message: 'No deployments available', type: 'None', param: 'None', code: '503' } });
    if (this.mode === 'error-500') return this.send(res, 500, { detail: 'Internal Server Error' });
    const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const authError = {
      error: {
        message: `Authentication Error, Invalid proxy server token passed. Received API Key = ${key}`,
        type: 'auth_error',
        param: 'None',
        code: '401',
      },
    };
    if (path === '/model/info' || path === '/v1/model/info') {
      if (this.mode === 'auth-401' || key !== this.masterKey) return this.send(res, 401, authError);
      return this.send(res, 200, this.modelInfo);
    }
    if (path === '/key/info') {
      const info = this.keyInfo.get(key);
      if (this.mode === 'auth-401' || !info) return this.send(res, 401, authError);
      return this.send(res, 200, { key: 'hashed-key', info });
    }
    if (path === '/models' || path === '/v1/models') {
      const models = this.keyModels.get(key);
      if (this.mode === 'auth-401' || !models) return this.send(res, 401, authError);
      return this.send(res, 200, {
        data: models.map((id) => ({ id, object: 'model', created: 1677610602, owned_by: 'openai' })),
        object: 'list',
      });
    }
    this.send(res, 404, { detail: 'Not Found' });
  }
}
