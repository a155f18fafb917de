import { StringDecoder } from 'node:string_decoder';

/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** The `event:` field, or `message` when the event named none. */
  event: string;
  /** Every `data:` line of the event, joined with `\n`. */
  data: string;
  /** The last `id:` seen so far (it carries over to later events, as in the spec). */
  id?: string;
}

const LF = 10;
const SPACE = 32;
const COLON = 58;
const LOWER_D = 100;
const BOM = 0xfeff;

/** An upstream that never ends a line or an event would grow the parser's buffers without limit. */
export class SseEventTooLargeError extends Error {
  constructor(readonly limitChars: number) {
    super(`A server-sent event exceeded ${limitChars} characters`);
    this.name = 'SseEventTooLargeError';
  }
}

export interface SseParserOptions {
  /**
   * Longest event (its `data:` lines together) and longest unfinished line kept, in UTF-16 code
   * units (at most as many as UTF-8 bytes). Beyond it `push` throws SseEventTooLargeError. Default:
   * unlimited, for trusted input.
   */
  maxEventChars?: number;
}

/**
 * An incremental Server-Sent-Events parser (the WHATWG event-stream grammar): bytes or text in, events
 * out, whatever the chunk boundaries — inside a line, between the CR and LF of a CRLF, inside a
 * multi-byte UTF-8 character (a streaming decoder holds the partial bytes). CRLF, CR and LF all
 * end a line; `:` lines are comments; `data:` lines of one event are joined with `\n`.
 *
 * Unlike a browser, `end()` dispatches a last event that lacks its closing blank line: an upstream
 * that closes right after its final `data:` line must not lose it.
 *
 * It sits on the path of every token, so it works line by line with `indexOf` and `slice`: no
 * per-character loop in JavaScript, and a string concatenation only for a line split across chunks.
 * Bytes go through Node's streaming `StringDecoder` rather than `TextDecoder`: the same handling of
 * split and invalid sequences (U+FFFD), about four times faster on small chunks (measured).
 * Feed it either bytes or strings, not both (partial UTF-8 bytes would be held across a string).
 */
export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  private atStart = true;
  /** The start of a line whose end has not arrived yet. */
  private partial = '';
  /** The previous text ended with CR: an LF at the start of the next one belongs to it. */
  private skipLeadingLf = false;
  private data: string | undefined;
  private eventType = '';
  private lastEventId: string | undefined;
  /** The last valid `retry:` value, in milliseconds. */
  retryMs: number | undefined;
  private readonly maxEventChars: number;

  constructor(options: SseParserOptions = {}) {
    this.maxEventChars = options.maxEventChars ?? Infinity;
  }

  /** Parses one chunk and returns the events it completed (often none or one). */
  push(chunk: Uint8Array | string): SseEvent[] {
    const events: SseEvent[] = [];
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text.length > 0) this.consume(text, events);
    return events;
  }

  /** The end of the stream: flushes a pending line and dispatches a pending event. */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    const rest = this.decoder.end();
    if (rest.length > 0) this.consume(rest, events);
    if (this.partial.length > 0) {
      const line = this.partial;
      this.partial = '';
      this.line(line, 0, line.length, events);
    }
    this.dispatch(events);
    this.skipLeadingLf = false;
    return events;
  }

  private consume(text: string, events: SseEvent[]): void {
    const len = text.length;
    let start = 0;
    if (this.atStart) {
      this.atStart = false;
      if (text.charCodeAt(0) === BOM) start = 1;
    }
    if (this.skipLeadingLf) {
      this.skipLeadingLf = false;
      if (text.charCodeAt(start) === LF) start += 1;
    }
    // Each search runs again only once its hit is behind us; a -1 stays -1 for the rest of the text.
    let lf = text.indexOf('\n', start);
    let cr = text.indexOf('\r', start);
    while (start < len) {
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      let end: number;
      if (cr === -1) {
        if (lf === -1) break;
        end = lf;
      } else end = lf === -1 || cr < lf ? cr : lf;

      if (this.partial.length > 0) {
        const line = this.partial + text.slice(start, end);
        this.partial = '';
        this.line(line, 0, line.length, events);
      } else this.line(text, start, end, events);

      if (end === cr) {
        if (end + 1 === len) {
          this.skipLeadingLf = true;
          start = len;
        } else start = text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
      } else start = end + 1;
    }
    if (start < len) {
      this.partial = this.partial.length > 0 ? this.partial + text.slice(start) : text.slice(start);
      if (this.partial.length > this.maxEventChars) this.overflow();
    }
  }

  /** Drops what is buffered (the parser is unusable after it) and reports the overflow. */
  private overflow(): never {
    this.partial = '';
    this.data = undefined;
    throw new SseEventTooLargeError(this.maxEventChars);
  }

  private appendData(value: string): void {
    this.data = this.data === undefined ? value : `${this.data}\n${value}`;
    if (this.data.length > this.maxEventChars) this.overflow();
  }

  /** The line `text[start, end)`, read in place: most lines are `data:` and need one slice. */
  private line(text: string, start: number, end: number, events: SseEvent[]): void {
    if (start === end) {
      this.dispatch(events);
      return;
    }
    const first = text.charCodeAt(start);
    if (first === COLON) return;
    if (first === LOWER_D && text.startsWith('data:', start)) {
      const from = start + 5 < end && text.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5;
      this.appendData(text.slice(from, end));
      return;
    }
    const line = text.slice(start, end);
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.slice(line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1);
    }
    switch (field) {
      case 'data':
        this.appendData(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
  }

  private dispatch(events: SseEvent[]): void {
    const data = this.data;
    const event = this.eventType || 'message';
    this.data = undefined;
    this.eventType = '';
    if (data === undefined) return;
    events.push(this.lastEventId === undefined ? { event, data } : { event, data, id: this.lastEventId });
  }
}
