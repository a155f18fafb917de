import { expect } from 'chai';
import { queryModels } from '../../../src/domain/models/model-query';
import { model } from '../../fakes/scripted-model-source';

const price = (input: number | null, output: number | null = null) => ({
  input_per_1m: input,
  output_per_1m: output,
  currency: 'USD' as const,
});

const CATALOGUE = [
  model('gpt-4o', {
    provider: 'openai',
    context_window: 128000,
    pricing: price(2.5, 10),
    capabilities: { function_calling: true, vision: true },
  }),
  model('gpt-4o-mini', {
    provider: 'openai',
    context_window: 128000,
    pricing: price(0.15, 0.6),
    capabilities: { function_calling: true, vision: false },
  }),
  model('anthropic/claude-3-5-sonnet', {
    provider: 'anthropic',
    context_window: 200000,
    pricing: price(3, 15),
    capabilities: { function_calling: true, vision: true, pdf_input: true },
  }),
  model('text-embedding-3-small', { provider: 'openai', mode: 'embedding', context_window: 8191, pricing: price(0.02, 0) }),
  model('mystery', { provider: null, mode: null }),
];

const ids = (query: Parameters<typeof queryModels>[1]) => queryModels(CATALOGUE, query).map((m) => m.id);

describe('queryModels', () => {
  it('sorts by id by default', () => {
    expect(ids({})).to.deep.equal(['anthropic/claude-3-5-sonnet', 'gpt-4o', 'gpt-4o-mini', 'mystery', 'text-embedding-3-small']);
  });

  it('filters by provider (case-insensitive), mode and capabilities (all of them)', () => {
    expect(ids({ provider: 'OpenAI' })).to.deep.equal(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']);
    expect(ids({ mode: 'embedding' })).to.deep.equal(['text-embedding-3-small']);
    expect(ids({ capabilities: ['vision'] })).to.deep.equal(['anthropic/claude-3-5-sonnet', 'gpt-4o']);
    expect(ids({ capabilities: ['vision', 'pdf_input'] })).to.deep.equal(['anthropic/claude-3-5-sonnet']);
    expect(ids({ provider: 'openai', capabilities: ['function_calling'], mode: 'chat' })).to.deep.equal(['gpt-4o', 'gpt-4o-mini']);
    expect(ids({ capabilities: ['unknown_flag'] })).to.deep.equal([]);
  });

  it('sorts by price and context window either way, unknown values last, ties by id', () => {
    expect(ids({ sort: 'input_price' })).to.deep.equal([
      'text-embedding-3-small',
      'gpt-4o-mini',
      'gpt-4o',
      'anthropic/claude-3-5-sonnet',
      'mystery',
    ]);
    expect(ids({ sort: 'input_price', order: 'desc' })).to.deep.equal([
      'anthropic/claude-3-5-sonnet',
      'gpt-4o',
      'gpt-4o-mini',
      'text-embedding-3-small',
      'mystery',
    ]);
    expect(ids({ sort: 'context_window', order: 'desc' })).to.deep.equal([
      'anthropic/claude-3-5-sonnet',
      'gpt-4o',
      'gpt-4o-mini',
      'text-embedding-3-small',
      'mystery',
    ]);
    expect(ids({ sort: 'provider' })).to.deep.equal([
      'anthropic/claude-3-5-sonnet',
      'gpt-4o',
      'gpt-4o-mini',
      'text-embedding-3-small',
      'mystery',
    ]);
  });

  it('does not change the catalogue it is given', () => {
    const before = CATALOGUE.map((m) => m.id);
    queryModels(CATALOGUE, { sort: 'output_price', order: 'desc' });
    expect(CATALOGUE.map((m) => m.id)).to.deep.equal(before);
  });
});
