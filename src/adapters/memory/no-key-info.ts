import type { LlmKeyInfoSource, LlmKeyUsage } from '../../ports/llm-key-info.port';

/** The embedded default's local models keep no per-key spend: the profile row is the only source. */
export class NoKeyInfo implements LlmKeyInfoSource {
  async fetchKeyUsage(): Promise<LlmKeyUsage | null> {
    return null;
  }
}
