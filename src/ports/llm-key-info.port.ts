import { token } from './token';
/** What the model proxy knows about one virtual key's spending (LiteLLM `/key/info`). */
export interface LlmKeyUsage {
  /** USD spent with the key, as the proxy counted it; null when unknown. */
  spend: number | null;
  /** The key's own budget in USD; null when it has none. */
  max_budget: number | null;
}

export interface LlmKeyInfoSource {
  /** Null when this deployment has no such source (the embedded default). */
  fetchKeyUsage(apiKey: string): Promise<LlmKeyUsage | null>;
}

export const LLM_KEY_INFO = token<LlmKeyInfoSource>('LlmKeyInfoSource');
