import type { UpstreamClient } from '../http/upstream-client';
import type { LlmKeyInfoSource, LlmKeyUsage } from '../../ports/llm-key-info.port';
import { translate } from './litellm-model-catalog';

function money(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** `GET /key/info` with the user's own key (no `key` parameter): the answer is nested under `info`. */
export class LiteLlmKeyInfo implements LlmKeyInfoSource {
  constructor(private readonly client: UpstreamClient) {}

  async fetchKeyUsage(apiKey: string): Promise<LlmKeyUsage | null> {
    const res = await this.client.request<unknown>({
      method: 'GET',
      url: '/key/info',
      operation: 'key_info',
      idempotent: true,
      headers: { Authorization: `Bearer ${apiKey}` },
    });
    if (res.status !== 200) throw translate(res, 'key_info');
    const info = (res.data as { info?: { spend?: unknown; max_budget?: unknown } } | null)?.info;
    if (!info || typeof info !== 'object') return null;
    return { spend: money(info.spend), max_budget: money(info.max_budget) };
  }
}
