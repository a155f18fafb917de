import { expect } from 'chai';
import { AppError } from '../../src/domain/errors/app-error';
import type { ErrorCode } from '../../src/domain/errors/error-codes';
import type { CompletionRequest, LlmGateway, StreamEvent } from '../../src/ports/llm-gateway.port';
import { eachEvent } from '../support/async';

/** The codes the port lets a model call fail with. */
const PORT_CODES: readonly ErrorCode[] = [
  'INSUFFICIENT_BALANCE',
  'MODEL_NOT_ALLOWED',
  'RATE_LIMITED',
  'VALIDATION_ERROR',
  'UPSTREAM_ERROR',
  'UPSTREAM_CONTRACT',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
];

/** A gateway with a request for one behaviour (the adapter is told what to do by whatever drives it). */
export interface GatewayCase {
  gateway: LlmGateway;
  request: CompletionRequest;
}

export interface LlmGatewayHarness {
  /** Answers normally; the same request must give the same text streamed and at once. */
  answers(text: string): GatewayCase;
  /** Refused before any text (a model the key may not use, a budget, ...). */
  refused(): GatewayCase;
  /** Sends some text, then waits on the model until the caller aborts. */
  waitsAfterFirstDelta(): GatewayCase;
  /** Sends some text, then fails; absent for an adapter with no upstream that could fail mid-stream. */
  failsMidStream?(): GatewayCase;
}

async function collect(batches: AsyncIterable<StreamEvent[]>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of eachEvent(batches)) out.push(event);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a rejection');
}

function expectUsage(usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }): void {
  for (const n of [usage.prompt_tokens, usage.completion_tokens, usage.total_tokens]) {
    expect(Number.isFinite(n) && n >= 0, `token count ${n}`).to.equal(true);
  }
}

/**
 * What `LlmGateway` promises, checked against one adapter: deltas in order then at most one finish
 * and one usage; the same text streamed or at once; failures as AppErrors with the port's codes,
 * before or during a stream, never a silent end; an abort that ends the call.
 */
export function describeLlmGatewayContract(name: string, harness: () => LlmGatewayHarness): void {
  describe(`LlmGateway contract: ${name}`, () => {
    const open = () => new AbortController().signal;

    it('streams deltas, then at most one finish and one usage, and no delta after them', async () => {
      const { gateway, request } = harness().answers('contract check one');
      const events = await collect(gateway.stream(request, open()));
      const deltas = events.filter((e) => e.type === 'delta');
      expect(deltas.length).to.be.greaterThan(0);
      const firstEnd = events.findIndex((e) => e.type !== 'delta');
      expect(firstEnd, 'a finish or usage event ends the deltas').to.be.greaterThan(0);
      expect(events.slice(firstEnd).some((e) => e.type === 'delta')).to.equal(false);
      expect(events.filter((e) => e.type === 'finish').length).to.be.at.most(1);
      const usages = events.filter((e) => e.type === 'usage');
      expect(usages.length).to.be.at.most(1);
      for (const u of usages) if (u.type === 'usage') expectUsage(u.usage);
      for (const d of deltas) if (d.type === 'delta') expect(d.content).to.be.a('string').and.not.equal('');
    });

    it('answers the same text at once as streamed, with a finish reason and usage', async () => {
      const streamed = harness().answers('contract check two');
      const text = (await collect(streamed.gateway.stream(streamed.request, open())))
        .map((e) => (e.type === 'delta' ? e.content : ''))
        .join('');
      const once = harness().answers('contract check two');
      const completion = await once.gateway.complete(once.request, open());
      expect(completion.content).to.equal(text);
      expect(completion.id).to.be.a('string');
      expect(completion.model).to.be.a('string').and.not.equal('');
      expect(completion.finish_reason === null || typeof completion.finish_reason === 'string').to.equal(true);
      if (completion.usage) expectUsage(completion.usage);
    });

    it('refuses before any text with an AppError of the port, streamed or at once', async () => {
      const streamed = harness().refused();
      const seen: StreamEvent[] = [];
      const error = await rejection(
        (async () => {
          for await (const event of eachEvent(streamed.gateway.stream(streamed.request, open()))) seen.push(event);
        })(),
      );
      expect(PORT_CODES).to.include(error.code);
      expect(seen.filter((e) => e.type === 'delta')).to.deep.equal([]);
      const once = harness().refused();
      expect(PORT_CODES).to.include((await rejection(once.gateway.complete(once.request, open()))).code);
    });

    it('ends a stream when the caller aborts it, with nothing after the abort but a cancellation', async () => {
      const { gateway, request } = harness().waitsAfterFirstDelta();
      const controller = new AbortController();
      const seen: StreamEvent[] = [];
      let failure: unknown;
      try {
        for await (const event of eachEvent(gateway.stream(request, controller.signal))) {
          seen.push(event);
          // Aborted once text arrived: the model is now waiting, and only the abort can end it.
          if (event.type === 'delta') controller.abort();
        }
      } catch (err) {
        failure = err;
      }
      expect(seen.filter((e) => e.type === 'delta').length).to.equal(1);
      if (failure !== undefined) {
        expect(failure).to.be.instanceOf(AppError);
        expect((failure as AppError).code).to.equal('UPSTREAM_UNAVAILABLE');
        expect((failure as AppError).details?.cancelled).to.equal(true);
      }
    });

    it('refuses a call at once when its signal is already aborted', async () => {
      const { gateway, request } = harness().answers('never sent');
      const controller = new AbortController();
      controller.abort();
      const error = await rejection(gateway.complete(request, controller.signal));
      expect(error.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(error.details?.cancelled).to.equal(true);
    });

    // An adapter with no upstream behind it (the local models) has nothing that can fail once text was produced.
    if (harness().failsMidStream === undefined) return;
    it('never ends a stream silently when the model fails mid-answer', async () => {
      const { gateway, request } = harness().failsMidStream!();
      const seen: StreamEvent[] = [];
      const error = await rejection(
        (async () => {
          for await (const event of eachEvent(gateway.stream(request, open()))) seen.push(event);
        })(),
      );
      expect(seen.filter((e) => e.type === 'delta').length).to.be.greaterThan(0);
      expect(PORT_CODES).to.include(error.code);
    });
  });
}
