import { expect } from 'chai';
import { SseEventTooLargeError, SseParser, type SseEvent } from '../../../src/adapters/litellm/sse-parser';

function parseAll(chunks: (Uint8Array | string)[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (const c of chunks) events.push(...parser.push(c));
  events.push(...parser.end());
  return events;
}

/** mulberry32: a tiny seeded PRNG, so a failing chunking can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomChunks(bytes: Uint8Array, random: () => number, maxSize: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < bytes.length) {
    const size = 1 + Math.floor(random() * maxSize);
    out.push(bytes.subarray(i, i + size));
    i += size;
  }
  return out;
}

const delta = (content: string) =>
  JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] });

/** A realistic LiteLLM stream with every line ending, comments, fields, multi-byte text and no final blank line. */
const STREAM =
  ': ping\n\n' +
  `data: ${delta('Привет')}\n\n` +
  `data: ${delta(' 世界 🌍🚀')}\r\n\r\n` +
  'event: note\r\nid: 7\r\ndata: line one\r\ndata: line two\r\n\r\n' +
  `data: ${delta(' é')}\r\r` +
  ': comment between\n' +
  'data:no-space\n' +
  'data:  two spaces\n\n' +
  'retry: 3000\n' +
  'data: {"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8},"choices":[{"index":0,"delta":{}}]}\n\n' +
  'data: [DONE]';

const EXPECTED: SseEvent[] = [
  { event: 'message', data: delta('Привет') },
  { event: 'message', data: delta(' 世界 🌍🚀') },
  { event: 'note', data: 'line one\nline two', id: '7' },
  { event: 'message', data: delta(' é'), id: '7' },
  { event: 'message', data: 'no-space\n two spaces', id: '7' },
  {
    event: 'message',
    data: '{"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8},"choices":[{"index":0,"delta":{}}]}',
    id: '7',
  },
  { event: 'message', data: '[DONE]', id: '7' },
];

describe('SseParser', () => {
  const bytes = new TextEncoder().encode(STREAM);

  it('parses a whole stream: CRLF, CR and LF endings, comments, multi-line data, event and id fields, a last event without blank line', () => {
    expect(parseAll([bytes])).to.deep.equal(EXPECTED);
  });

  it('gives the same events when the stream is split in two at every byte offset', () => {
    for (let i = 0; i <= bytes.length; i += 1) {
      const events = parseAll([bytes.subarray(0, i), bytes.subarray(i)]);
      expect(events, `split at byte ${i}`).to.deep.equal(EXPECTED);
    }
  });

  it('gives the same events when every byte arrives alone', () => {
    const single = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    expect(parseAll(single)).to.deep.equal(EXPECTED);
  });

  it('gives the same events in 500 random chunkings (seeded)', () => {
    const random = prng(20260101);
    for (let run = 0; run < 500; run += 1) {
      const chunks = randomChunks(bytes, random, 1 + (run % 40));
      expect(parseAll(chunks), `run ${run}: ${chunks.map((c) => c.length).join(',')}`).to.deep.equal(EXPECTED);
    }
  });

  it('gives the same events from text chunks split at every character', () => {
    for (let i = 0; i <= STREAM.length; i += 1) {
      expect(parseAll([STREAM.slice(0, i), STREAM.slice(i)]), `split at char ${i}`).to.deep.equal(EXPECTED);
    }
  });

  it('keeps a CRLF split between two chunks as one line end', () => {
    expect(parseAll(['data: a\r', '\ndata: b\r', '\n\r', '\n'])).to.deep.equal([{ event: 'message', data: 'a\nb' }]);
  });

  it('decodes a 4-byte UTF-8 character split over every position', () => {
    const emoji = new TextEncoder().encode('data: 🌍\n\n');
    for (let i = 0; i <= emoji.length; i += 1) {
      for (let j = i; j <= emoji.length; j += 1) {
        const events = parseAll([emoji.subarray(0, i), emoji.subarray(i, j), emoji.subarray(j)]);
        expect(events, `cut at ${i} and ${j}`).to.deep.equal([{ event: 'message', data: '🌍' }]);
      }
    }
  });

  it('dispatches events as soon as their blank line arrives, not at the end', () => {
    const parser = new SseParser();
    expect(parser.push('data: one\n')).to.deep.equal([]);
    expect(parser.push('\ndata: tw')).to.deep.equal([{ event: 'message', data: 'one' }]);
    expect(parser.push('o\n\ndata: three\n\n')).to.deep.equal([
      { event: 'message', data: 'two' },
      { event: 'message', data: 'three' },
    ]);
    expect(parser.end()).to.deep.equal([]);
  });

  it('follows the field rules of the spec', () => {
    expect(parseAll(['data\n\n'])).to.deep.equal([{ event: 'message', data: '' }], 'a bare field name is an empty value');
    expect(parseAll(['data:\n\n'])).to.deep.equal([{ event: 'message', data: '' }]);
    expect(parseAll(['data: a\ndata\ndata: b\n\n'])).to.deep.equal([{ event: 'message', data: 'a\n\nb' }]);
    expect(parseAll(['event: x\n\ndata: y\n\n'])).to.deep.equal([{ event: 'message', data: 'y' }], 'an event with no data is dropped');
    expect(parseAll([': only a comment\n\n\n\n'])).to.deep.equal([]);
    expect(parseAll(['unknown: field\ndata: z\n\n'])).to.deep.equal([{ event: 'message', data: 'z' }]);
    expect(parseAll(['id: a\u0000b\ndata: z\n\n'])).to.deep.equal([{ event: 'message', data: 'z' }], 'an id with NUL is ignored');
    expect(parseAll(['data: x:y: z\n\n'])).to.deep.equal([{ event: 'message', data: 'x:y: z' }]);
  });

  it('reads retry only when it is all digits', () => {
    const parser = new SseParser();
    parser.push('retry: 1500\n\nretry: soon\n\n');
    expect(parser.retryMs).to.equal(1500);
  });

  it('drops a leading byte order mark', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('data: x\n\n')]);
    expect(parseAll([withBom.subarray(0, 2), withBom.subarray(2)])).to.deep.equal([{ event: 'message', data: 'x' }]);
  });

  it('flushes a last line without any line end at the end of the stream', () => {
    expect(parseAll(['data: {"a":1}\n\ndata: [DO', 'NE]'])).to.deep.equal([
      { event: 'message', data: '{"a":1}' },
      { event: 'message', data: '[DONE]' },
    ]);
    expect(parseAll(['data: tail\r'])).to.deep.equal([{ event: 'message', data: 'tail' }]);
  });

  it('handles a long stream of small events without losing one', () => {
    const parser = new SseParser();
    const n = 5000;
    const text = Array.from({ length: n }, (_, i) => `data: ${i}\n\n`).join('');
    const buf = new TextEncoder().encode(text);
    const got: string[] = [];
    for (let i = 0; i < buf.length; i += 7) for (const e of parser.push(buf.subarray(i, i + 7))) got.push(e.data);
    for (const e of parser.end()) got.push(e.data);
    expect(got).to.have.length(n);
    expect(got[0]).to.equal('0');
    expect(got[n - 1]).to.equal(String(n - 1));
  });

  describe('with maxEventChars (input from an upstream)', () => {
    const overflowOf = (parser: SseParser, chunks: string[]): unknown => {
      try {
        for (const c of chunks) parser.push(c);
      } catch (err) {
        return err;
      }
      return undefined;
    };

    it('refuses a line that never ends once it is longer than the limit, whatever the chunking', () => {
      const parser = new SseParser({ maxEventChars: 1000 });
      const err = overflowOf(parser, ['data: ', ...Array.from({ length: 20 }, () => 'x'.repeat(100))]);
      expect(err).to.be.instanceOf(SseEventTooLargeError);
      expect((err as SseEventTooLargeError).limitChars).to.equal(1000);
    });

    it('refuses an event whose data lines together pass the limit, though each line is short', () => {
      const parser = new SseParser({ maxEventChars: 1000 });
      expect(
        overflowOf(
          parser,
          Array.from({ length: 30 }, () => `data: ${'y'.repeat(50)}\n`),
        ),
      ).to.be.instanceOf(SseEventTooLargeError);
    });

    it('refuses one whole oversized line in a single chunk', () => {
      expect(overflowOf(new SseParser({ maxEventChars: 1000 }), [`data: ${'z'.repeat(1001)}\n\n`])).to.be.instanceOf(SseEventTooLargeError);
    });

    it('passes events up to the limit, and any number of them', () => {
      const parser = new SseParser({ maxEventChars: 1000 });
      const events: SseEvent[] = [];
      for (let i = 0; i < 50; i += 1) events.push(...parser.push(`data: ${'w'.repeat(1000)}\n\n`));
      expect(events).to.have.length(50);
      expect(events[49]!.data).to.have.length(1000);
    });
  });
});
