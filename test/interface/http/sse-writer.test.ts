import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { SseWriter } from '../../../src/interface/http/sse/sse-writer';

/** The parts of a ServerResponse the writer uses, recording what it is given. */
class RecordingResponse extends EventEmitter {
  statusCode = 0;
  destroyed = false;
  writableEnded = false;
  headers = new Map<string, string>();
  headersFlushed = 0;
  writes: string[] = [];
  ended: string | undefined;
  /** What `write` answers: false plays a full socket. */
  accepts = true;

  setHeader(name: string, value: string): void {
    this.headers.set(name.toLowerCase(), value);
  }

  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase());
  }

  flushHeaders(): void {
    this.headersFlushed += 1;
  }

  write(text: string): boolean {
    this.writes.push(text);
    return this.accepts;
  }

  end(text?: string): void {
    this.writableEnded = true;
    this.ended = text ?? '';
  }

  get all(): string {
    return this.writes.join('') + (this.ended ?? '');
  }
}

function writerOn(res: RecordingResponse, pingMs?: number): SseWriter {
  return new SseWriter(res as unknown as ServerResponse, pingMs);
}

/** Lets the writer's end-of-tick flush run. */
const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

/**
 * Continues as promise jobs, as the relay does after an upstream read: the writer's flush (a
 * `process.nextTick`) then runs once the jobs of the burst are done, not between two of them.
 */
const inBurst = (): Promise<void> => Promise.resolve();

describe('SseWriter', () => {
  it('drops events once anyone else ended the response, instead of writing after the end', async () => {
    const res = new RecordingResponse();
    const writer = writerOn(res);
    await writer.send('{"n":1}');
    await nextTick();
    res.end();
    await writer.send('{"n":2}');
    await nextTick();
    writer.end();
    expect(res.writes).to.deep.equal(['data: {"n":1}\n\n']);
    expect(writer.isClosed).to.equal(true);
  });

  it('sets the headers of an event stream once, to leave with the first event (no separate flush)', async () => {
    const res = new RecordingResponse();
    const writer = writerOn(res);
    expect(writer.isCommitted).to.equal(false);
    await writer.send('one');
    await writer.send('two');
    expect(res.statusCode).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-accel-buffering')).to.equal('no');
    expect(res.headersFlushed).to.equal(0);
    writer.end();
  });

  it('joins the events of one tick into one write, in order, and writes the next tick apart', async () => {
    const res = new RecordingResponse();
    const writer = writerOn(res);
    await inBurst();
    await writer.send('a');
    await writer.send('b');
    await writer.send('c');
    expect(res.writes, 'nothing before the end of the tick').to.deep.equal([]);
    await nextTick();
    expect(res.writes).to.deep.equal(['data: a\n\ndata: b\n\ndata: c\n\n']);
    await writer.send('d');
    await nextTick();
    expect(res.writes).to.deep.equal(['data: a\n\ndata: b\n\ndata: c\n\n', 'data: d\n\n']);
    writer.end();
  });

  it('ends with whatever is still waiting for its tick', async () => {
    const res = new RecordingResponse();
    const writer = writerOn(res);
    await inBurst();
    await writer.send('last');
    await writer.send('[DONE]');
    writer.end();
    expect(res.all).to.equal('data: last\n\ndata: [DONE]\n\n');
    expect(res.writableEnded).to.equal(true);
    await nextTick();
    expect(res.writes, 'nothing is written after the end').to.deep.equal([]);
  });

  it('makes senders wait while the socket is full and lets them go on drain, losing nothing', async () => {
    const res = new RecordingResponse();
    res.accepts = false;
    const writer = writerOn(res);
    await writer.send('first');
    await nextTick();
    expect(res.writes).to.deep.equal(['data: first\n\n']);

    let released = false;
    const waiting = writer.send('second').then(() => (released = true));
    await nextTick();
    await nextTick();
    expect(released, 'a send while the socket is full waits').to.equal(false);
    expect(res.writes, 'nothing more is written until drain').to.have.length(1);

    res.accepts = true;
    res.emit('drain');
    await waiting;
    expect(res.all).to.equal('data: first\n\ndata: second\n\n');
    writer.end();
  });

  it('makes a sender wait once a tick holds more than the high-water mark', async () => {
    const res = new RecordingResponse();
    const writer = writerOn(res);
    const big = 'x'.repeat(20 * 1024);
    let released = false;
    const waiting = writer.send(big).then(() => (released = true));
    expect(released).to.equal(false);
    await waiting;
    expect(res.writes).to.deep.equal([`data: ${big}\n\n`]);
    writer.end();
  });

  it('drops what is pending and lets waiting senders go when the client leaves', async () => {
    const res = new RecordingResponse();
    res.accepts = false;
    const writer = writerOn(res);
    await writer.send('seen');
    await nextTick();
    const waiting = writer.send('never sent');
    res.destroyed = true;
    res.emit('close');
    await waiting;
    expect(writer.isClosed).to.equal(true);
    await writer.send('after');
    await nextTick();
    expect(res.all).to.equal('data: seen\n\n');
  });

  it('sends a ping comment after a silence', async () => {
    const res = new RecordingResponse();
    const writer = writerOn(res, 5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await nextTick();
    expect(writer.isCommitted).to.equal(true);
    expect(res.writes[0]).to.equal(': ping\n\n');
    writer.end();
  });
});
