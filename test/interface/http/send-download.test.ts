import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import type { Context } from 'koa';
import { sendDownload } from '../../../src/interface/http/download/send-download';
import { rejectionOf } from '../../support/expect-rejection';
import { RecordingLogger } from '../../support/recording-logger';

/** A response whose socket takes a write only when the test says so (`accept`), then signals `drain`. */
class SlowResponse extends EventEmitter {
  readonly writes: string[] = [];
  accept = false;
  destroyed = false;
  ended = false;
  error: Error | undefined;

  write(text: string): boolean {
    this.writes.push(text);
    return this.accept;
  }

  end(): void {
    this.ended = true;
  }

  destroy(err?: Error): void {
    this.destroyed = true;
    this.error = err;
  }
}

function contextOf(res: SlowResponse): Context & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return {
    res,
    headers,
    status: 404,
    respond: true,
    state: { requestId: 'req-1' },
    set(name: string, value: string) {
      headers[name] = value;
    },
  } as unknown as Context & { headers: Record<string, string> };
}

async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('sendDownload', () => {
  it('pulls the next piece only after the socket drained the previous one', async () => {
    const res = new SlowResponse();
    const ctx = contextOf(res);
    let pulls = 0;
    async function* pieces(): AsyncGenerator<string> {
      for (let i = 0; i < 5; i += 1) {
        pulls += 1;
        yield `piece ${i}\n`;
      }
    }
    const done = sendDownload(
      ctx,
      { contentType: 'text/markdown; charset=utf-8', filename: 'x.md', chunks: pieces() },
      new RecordingLogger(),
    );
    await turns();
    expect(pulls).to.equal(1);
    expect(res.writes).to.deep.equal(['piece 0\n']);
    expect(ctx.headers).to.deep.equal({
      'Content-Type': 'text/markdown; charset=utf-8',
      'Content-Disposition': 'attachment; filename="x.md"',
      'Cache-Control': 'no-store',
    });
    expect(ctx.status).to.equal(200);
    res.emit('drain');
    await turns();
    expect(pulls).to.equal(2);
    res.accept = true;
    res.emit('drain');
    await done;
    expect(pulls).to.equal(5);
    expect(res.writes).to.have.length(5);
    expect(res.ended).to.equal(true);
    expect(ctx.respond).to.equal(false);
  });

  it('fails as a plain error when the first piece fails, writing nothing', async () => {
    const res = new SlowResponse();
    const failing = (): AsyncIterable<string> => ({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('before anything')) }),
    });
    const err = await rejectionOf(
      sendDownload(contextOf(res), { contentType: 'text/plain', filename: 'x', chunks: failing() }, new RecordingLogger()),
    );
    expect(err.message).to.equal('before anything');
    expect(res.writes).to.deep.equal([]);
  });

  it('cuts the transfer short when a later piece fails, so the file does not look complete', async () => {
    const res = new SlowResponse();
    res.accept = true;
    const logger = new RecordingLogger();
    async function* failing(): AsyncGenerator<string> {
      yield 'start';
      throw new Error('upstream gone');
    }
    await sendDownload(contextOf(res), { contentType: 'text/plain', filename: 'x', chunks: failing() }, logger);
    expect(res.destroyed).to.equal(true);
    expect(res.ended).to.equal(false);
    expect(logger.records.map((r) => r.msg)).to.deep.equal(['download failed after it started']);
  });

  it('stops the producer when the client goes away', async () => {
    const res = new SlowResponse();
    let finished = false;
    let pulls = 0;
    async function* endless(): AsyncGenerator<string> {
      try {
        for (;;) {
          pulls += 1;
          yield 'more';
        }
      } finally {
        finished = true;
      }
    }
    const done = sendDownload(contextOf(res), { contentType: 'text/plain', filename: 'x', chunks: endless() }, new RecordingLogger());
    await turns();
    res.destroyed = true;
    res.emit('close');
    await done;
    expect(finished).to.equal(true);
    expect(pulls).to.equal(1);
  });
});
