import { AppError } from '../../domain/errors/app-error';
import type { ModelInfo } from '../../domain/models/model-info';

export interface SkippedEntry {
  index: number;
  reason: string;
}

export interface ParsedCatalog {
  models: ModelInfo[];
  skipped: SkippedEntry[];
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** A non-negative finite number, from a number or a numeric string (`"3e-05"`, `"8192"`). */
function amount(value: unknown): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*[+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) n = Number(value);
  else return null;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function tokens(value: unknown): number | null {
  const n = amount(value);
  return n === null ? null : Math.trunc(n);
}

function flag(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  return null;
}

/**
 * USD per token -> USD per 1M tokens. Rounded to 6 decimals (a millionth of a dollar per million
 * tokens), which removes float noise such as 3e-05 * 1e6 = 30.000000000000004 or 2.9999999999996.
 */
export function perMillion(costPerToken: number | null): number | null {
  if (costPerToken === null) return null;
  return Number((costPerToken * 1e6).toFixed(6));
}

/** `anthropic/claude-3-5-sonnet` -> `anthropic`; a bare name has no provider prefix. */
function providerOf(litellmModel: string | null): string | null {
  if (!litellmModel) return null;
  const slash = litellmModel.indexOf('/');
  return slash > 0 ? litellmModel.slice(0, slash).toLowerCase() : null;
}

function parseEntry(raw: unknown): ModelInfo | string {
  if (!isRecord(raw)) return 'not an object';
  const id = text(raw.model_name);
  if (!id) return 'no model_name';
  // `openai/*` is a wildcard route of the proxy, not a model a user can pick.
  if (id.includes('*')) return 'wildcard route';
  const params = isRecord(raw.litellm_params) ? raw.litellm_params : {};
  const info = isRecord(raw.model_info) ? raw.model_info : {};

  // LiteLLM's `max_tokens` is legacy: the output limit when the provider gives one, else the input
  // limit. So it is used only where it cannot be misread.
  const maxInput = tokens(info.max_input_tokens);
  const maxOutput = tokens(info.max_output_tokens);
  const legacyMax = tokens(info.max_tokens);
  const contextWindow = maxInput ?? (maxOutput === null ? legacyMax : null);
  const outputLimit = maxOutput ?? (maxInput !== null && legacyMax !== null && legacyMax !== maxInput ? legacyMax : null);

  const capabilities: ModelInfo['capabilities'] = { function_calling: null, vision: null };
  for (const [name, value] of Object.entries(info)) {
    const capability = name.startsWith('supports_') ? name.slice('supports_'.length) : '';
    // A name must start with a letter: no `__proto__` games from an upstream payload.
    if (/^[a-z][a-z0-9_]*$/.test(capability)) capabilities[capability] = flag(value);
  }

  return {
    id,
    provider: text(info.litellm_provider)?.toLowerCase() ?? providerOf(text(params.model)),
    mode: text(info.mode)?.toLowerCase() ?? null,
    context_window: contextWindow,
    max_output_tokens: outputLimit,
    pricing: {
      input_per_1m: perMillion(amount(info.input_cost_per_token) ?? amount(params.input_cost_per_token)),
      output_per_1m: perMillion(amount(info.output_cost_per_token) ?? amount(params.output_cost_per_token)),
      currency: 'USD',
    },
    capabilities,
  };
}

function smallest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function largest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/**
 * Several deployments of one model group share a `model_name`, and a request may land on any of
 * them. So the merged entry promises only what every deployment keeps: the smallest limits, the
 * highest price (never under-quote), a capability false as soon as one deployment lacks it.
 */
function merge(a: ModelInfo, b: ModelInfo): ModelInfo {
  const capabilities: ModelInfo['capabilities'] = { ...a.capabilities };
  for (const [name, value] of Object.entries(b.capabilities)) {
    const current = Object.hasOwn(capabilities, name) ? (capabilities[name] ?? null) : null;
    capabilities[name] = current === false || value === false ? false : (current ?? value);
  }
  return {
    id: a.id,
    provider: a.provider ?? b.provider,
    mode: a.mode ?? b.mode,
    context_window: smallest(a.context_window, b.context_window),
    max_output_tokens: smallest(a.max_output_tokens, b.max_output_tokens),
    pricing: {
      input_per_1m: largest(a.pricing.input_per_1m, b.pricing.input_per_1m),
      output_per_1m: largest(a.pricing.output_per_1m, b.pricing.output_per_1m),
      currency: 'USD',
    },
    capabilities,
  };
}

/**
 * LiteLLM `/model/info` -> the catalogue, in the order models first appear. Never throws on an odd
 * entry (it is skipped, with the reason); only a body without a `data` array is a contract error.
 */
export function parseModelInfoPayload(body: unknown): ParsedCatalog {
  let payload = body;
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload) as unknown;
    } catch {
      payload = undefined;
    }
  }
  if (!isRecord(payload) || !Array.isArray(payload.data)) {
    throw new AppError('UPSTREAM_CONTRACT', 'LiteLLM /model/info answered without a data list', { details: { upstream: 'litellm' } });
  }
  const byId = new Map<string, ModelInfo>();
  const skipped: SkippedEntry[] = [];
  payload.data.forEach((raw, index) => {
    const parsed = parseEntry(raw);
    if (typeof parsed === 'string') {
      skipped.push({ index, reason: parsed });
      return;
    }
    const seen = byId.get(parsed.id);
    byId.set(parsed.id, seen ? merge(seen, parsed) : parsed);
  });
  return { models: [...byId.values()], skipped };
}

/** LiteLLM `/models` -> the ids a key may use. */
export function parseModelIds(body: unknown): string[] {
  if (!isRecord(body) || !Array.isArray(body.data)) {
    throw new AppError('UPSTREAM_CONTRACT', 'LiteLLM /models answered without a data list', { details: { upstream: 'litellm' } });
  }
  const ids = body.data.map((m) => (isRecord(m) ? text(m.id) : null)).filter((id): id is string => id !== null);
  return [...new Set(ids)];
}
