import { expect } from 'chai';
import { parseModelIds, parseModelInfoPayload, perMillion } from '../../../src/adapters/litellm/litellm-model-info-parser';
import { isAppError } from '../../../src/domain/errors/app-error';
import type { ModelInfo } from '../../../src/domain/models/model-info';
import { thrownBy } from '../../support/async';
import { fixture } from '../../support/fixtures';

function byId(models: ModelInfo[], id: string): ModelInfo {
  const model = models.find((m) => m.id === id);
  if (!model) throw new Error(`no model ${id}`);
  return model;
}

describe('LiteLLM /model/info parsing', () => {
  describe('a realistic payload', () => {
    const { models, skipped } = parseModelInfoPayload(fixture('litellm/model-info-realistic.json'));

    it('keeps every model, in order, with nothing skipped', () => {
      expect(models.map((m) => m.id)).to.deep.equal(['gpt-4o', 'anthropic/claude-3-5-sonnet', 'gemini-1.5-pro', 'text-embedding-3-small']);
      expect(skipped).to.deep.equal([]);
    });

    it('maps limits, per-1M prices and every supports_* flag', () => {
      expect(byId(models, 'gpt-4o')).to.deep.equal({
        id: 'gpt-4o',
        provider: 'openai',
        mode: 'chat',
        context_window: 128000,
        max_output_tokens: 16384,
        pricing: { input_per_1m: 2.5, output_per_1m: 10, currency: 'USD' },
        capabilities: {
          function_calling: true,
          vision: true,
          system_messages: true,
          response_schema: true,
          tool_choice: true,
          assistant_prefill: false,
          prompt_caching: true,
          audio_input: false,
          audio_output: false,
          pdf_input: true,
          embedding_image_input: false,
          native_streaming: null,
          web_search: false,
          reasoning: false,
        },
      });
    });

    it('keeps ids with / and . as they are', () => {
      const claude = byId(models, 'anthropic/claude-3-5-sonnet');
      expect(claude).to.include({ provider: 'anthropic', mode: 'chat', context_window: 200000, max_output_tokens: 8192 });
      expect(claude.pricing).to.deep.equal({ input_per_1m: 3, output_per_1m: 15, currency: 'USD' });
      expect(byId(models, 'gemini-1.5-pro')).to.include({ provider: 'gemini', context_window: 2097152 });
    });

    it('reads an embedding model (no output limit; free output)', () => {
      expect(byId(models, 'text-embedding-3-small')).to.deep.include({
        mode: 'embedding',
        context_window: 8191,
        max_output_tokens: null,
        pricing: { input_per_1m: 0.02, output_per_1m: 0, currency: 'USD' },
        capabilities: { function_calling: null, vision: null },
      });
    });
  });

  describe('an odd payload', () => {
    const { models, skipped } = parseModelInfoPayload(fixture('litellm/model-info-odd.json'));

    it('skips what cannot be a model, saying why, and never throws', () => {
      expect(skipped).to.deep.equal([
        { index: 0, reason: 'not an object' },
        { index: 1, reason: 'not an object' },
        { index: 2, reason: 'not an object' },
        { index: 3, reason: 'no model_name' },
        { index: 4, reason: 'no model_name' },
        { index: 5, reason: 'wildcard route' },
      ]);
      expect(models.map((m) => m.id)).to.deep.equal([
        'bare-model',
        'no-info/llama-3.1-8b.instruct',
        'strings.everywhere',
        'garbage-numbers',
        'float-noise',
        'legacy-max-tokens',
        'custom-priced',
        'gpt-4o',
      ]);
    });

    it('gives null for everything a model without model_info or litellm_params does not say', () => {
      expect(byId(models, 'bare-model')).to.deep.equal({
        id: 'bare-model',
        provider: null,
        mode: null,
        context_window: null,
        max_output_tokens: null,
        pricing: { input_per_1m: null, output_per_1m: null, currency: 'USD' },
        capabilities: { function_calling: null, vision: null },
      });
    });

    it('takes the provider from the prefix of litellm_params.model when model_info has none', () => {
      expect(byId(models, 'no-info/llama-3.1-8b.instruct').provider).to.equal('groq');
      expect(byId(models, 'garbage-numbers').provider).to.equal('openai');
    });

    it('reads numbers and booleans sent as strings, and lower-cases provider and mode', () => {
      expect(byId(models, 'strings.everywhere')).to.deep.equal({
        id: 'strings.everywhere',
        provider: 'mistral',
        mode: 'chat',
        context_window: 128000,
        max_output_tokens: 4096,
        pricing: { input_per_1m: 2, output_per_1m: 6, currency: 'USD' },
        capabilities: { function_calling: true, vision: false, tool_choice: null },
      });
    });

    it('turns negative, non-numeric and non-string garbage into null, and ignores odd supports_ names', () => {
      const model = byId(models, 'garbage-numbers');
      expect(model).to.deep.equal({
        id: 'garbage-numbers',
        provider: 'openai',
        mode: null,
        context_window: null,
        max_output_tokens: null,
        pricing: { input_per_1m: null, output_per_1m: null, currency: 'USD' },
        capabilities: { function_calling: null, vision: null },
      });
      expect(Object.getPrototypeOf(model.capabilities)).to.equal(Object.prototype);
    });

    it('rounds float noise out of per-1M prices', () => {
      expect(byId(models, 'float-noise').pricing).to.deep.equal({ input_per_1m: 3, output_per_1m: 30, currency: 'USD' });
    });

    it("reads LiteLLM's legacy max_tokens only where it cannot be misread", () => {
      // Only max_tokens: LiteLLM then filled it from the input limit.
      expect(byId(models, 'float-noise')).to.include({ context_window: 4096, max_output_tokens: null });
      // max_tokens equal to max_input_tokens says nothing about the output.
      expect(byId(models, 'legacy-max-tokens')).to.include({ context_window: 8192, max_output_tokens: null });
    });

    it('falls back to prices set in litellm_params (custom pricing in the proxy config)', () => {
      expect(byId(models, 'custom-priced').pricing).to.deep.equal({ input_per_1m: 1, output_per_1m: 2, currency: 'USD' });
    });

    it('merges deployments of one model group: smallest limits, highest prices, a capability only if none lacks it', () => {
      expect(models.filter((m) => m.id === 'gpt-4o')).to.have.length(1);
      expect(byId(models, 'gpt-4o')).to.deep.equal({
        id: 'gpt-4o',
        provider: 'azure',
        mode: 'chat',
        context_window: 128000,
        max_output_tokens: 4096,
        pricing: { input_per_1m: 5, output_per_1m: 15, currency: 'USD' },
        capabilities: { function_calling: true, vision: false, prompt_caching: true },
      });
    });
  });

  it('accepts a body that arrived as JSON text', () => {
    const { models } = parseModelInfoPayload(JSON.stringify({ data: [{ model_name: 'm', model_info: { mode: 'chat' } }] }));
    expect(models.map((m) => m.id)).to.deep.equal(['m']);
  });

  it('calls a body without a data list an UPSTREAM_CONTRACT error', () => {
    for (const body of [undefined, null, 'Internal Server Error', { data: null }, { models: [] }, [1, 2]]) {
      const error = thrownBy(() => parseModelInfoPayload(body));
      expect(isAppError(error) && error.code).to.equal('UPSTREAM_CONTRACT');
    }
  });

  it('converts per-token costs to per-1M with at most 6 decimals', () => {
    expect(perMillion(3e-5)).to.equal(30);
    expect(perMillion(1.5e-7)).to.equal(0.15);
    expect(perMillion(2.9999999999999997e-6)).to.equal(3);
    expect(perMillion(1e-13)).to.equal(0);
    expect(perMillion(0)).to.equal(0);
    expect(perMillion(null)).to.equal(null);
  });

  it('reads /models ids, dropping odd entries and duplicates', () => {
    expect(
      parseModelIds({ data: [{ id: 'gpt-4o' }, { id: 'openai/gpt-4o-mini' }, null, { id: 7 }, { id: 'gpt-4o' }], object: 'list' }),
    ).to.deep.equal(['gpt-4o', 'openai/gpt-4o-mini']);
    expect(isAppError(thrownBy(() => parseModelIds({ object: 'list' })))).to.equal(true);
  });
});
