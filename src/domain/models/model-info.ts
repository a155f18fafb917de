/** A model of the catalogue. Every field the upstream may omit is nullable, never a crash. */
export interface ModelInfo {
  /** What clients send as `model`; may contain `/` and `.`. */
  id: string;
  provider: string | null;
  mode: string | null;
  context_window: number | null;
  max_output_tokens: number | null;
  pricing: {
    /** USD per 1M input tokens. */
    input_per_1m: number | null;
    /** USD per 1M output tokens. */
    output_per_1m: number | null;
    currency: 'USD';
  };
  capabilities: {
    function_calling: boolean | null;
    vision: boolean | null;
    /** Other `supports_*` flags of the upstream, by name without the prefix. */
    [capability: string]: boolean | null;
  };
}
