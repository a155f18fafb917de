import type { AxiosResponse } from 'axios';
import { AppError } from '../../domain/errors/app-error';
import type { ModelInfo } from '../../domain/models/model-info';
import type { Logger } from '../../ports/logger.port';
import type { ModelCatalogSource } from '../../ports/model-catalog.port';
import type { UpstreamClient } from '../http/upstream-client';
import { parseModelIds, parseModelInfoPayload } from './litellm-model-info-parser';

export interface LiteLlmModelCatalogOptions {
  /** LITELLM_MASTER_KEY: the gateway's own key, for `/model/info`. */
  masterKey: string | undefined;
}

/** Anything that looks like a key, in case an upstream message echoes one. */
const KEY_LIKE = /\b(sk|pk|rk)-[A-Za-z0-9_-]{4,}/g;

function upstreamMessage(body: unknown): string | undefined {
  const b = body as { error?: { message?: unknown; type?: unknown }; detail?: unknown } | undefined;
  const raw = b?.error?.message ?? b?.detail ?? (typeof body === 'string' ? body : undefined);
  if (raw === undefined || raw === null) return undefined;
  return (typeof raw === 'string' ? raw : JSON.stringify(raw)).replace(KEY_LIKE, '[redacted]').slice(0, 300);
}

function retryAfterSeconds(res: AxiosResponse): number | undefined {
  const value = Number(res.headers['retry-after']);
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : undefined;
}

/**
 * LiteLLM's `{"error":{...}}` / `{"detail":...}` answers as AppErrors. A rejected key is the
 * gateway's problem, never a 401 to the client (that would end the user's session): UPSTREAM_ERROR.
 */
export function translate(res: AxiosResponse, operation: string): AppError {
  const type = (res.data as { error?: { type?: unknown } } | undefined)?.error?.type;
  const cause = upstreamMessage(res.data);
  const details = {
    upstream: 'litellm',
    operation,
    status: res.status,
    ...(typeof type === 'string' ? { type } : {}),
    ...(cause ? { cause } : {}),
  };
  const retryAfter = retryAfterSeconds(res);
  if (res.status === 429)
    return new AppError('RATE_LIMITED', 'LiteLLM is rate limiting the gateway', { details, retryAfterSeconds: retryAfter ?? 5 });
  if (res.status === 502 || res.status === 503 || res.status === 504) {
    return new AppError('UPSTREAM_UNAVAILABLE', 'LiteLLM is unavailable', { details, retryAfterSeconds: retryAfter ?? 5 });
  }
  if (res.status === 401 || res.status === 403) return new AppError('UPSTREAM_ERROR', 'LiteLLM rejected the key', { details });
  return new AppError('UPSTREAM_ERROR', `LiteLLM answered ${res.status}`, { details });
}

/** The model catalogue over the LiteLLM proxy: `/model/info` (master key) and `/models` (a given key). */
export class LiteLlmModelCatalog implements ModelCatalogSource {
  constructor(
    private readonly client: UpstreamClient,
    private readonly options: LiteLlmModelCatalogOptions,
    private readonly logger: Logger,
  ) {}

  async fetchCatalog(): Promise<ModelInfo[]> {
    const res = await this.client.request<unknown>({
      method: 'GET',
      url: '/model/info',
      operation: 'model_info',
      idempotent: true,
      headers: this.options.masterKey ? { Authorization: `Bearer ${this.options.masterKey}` } : {},
    });
    if (res.status !== 200) throw translate(res, 'model_info');
    const { models, skipped } = parseModelInfoPayload(res.data);
    if (skipped.length > 0) {
      this.logger.warn(
        { upstream: 'litellm', skipped: skipped.slice(0, 20), skipped_count: skipped.length },
        'model catalogue entries skipped',
      );
    }
    return models;
  }

  async fetchAllowedModelIds(apiKey: string): Promise<string[]> {
    const res = await this.client.request<unknown>({
      method: 'GET',
      url: '/models',
      operation: 'models',
      idempotent: true,
      headers: { Authorization: `Bearer ${apiKey}` },
    });
    if (res.status !== 200) throw translate(res, 'models');
    return parseModelIds(res.data);
  }
}
