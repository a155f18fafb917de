/** One item of an event stream as a client sees it: a `data:` event or a comment line (`: ping`). */
export type SseItem = { kind: 'data'; data: string; id?: string } | { kind: 'comment'; text: string };

/**
 * A Server-Sent Events client over fetch that parses the stream itself (no library), one item at a
 * time, so a test can check the exact sequence, stop after N events, or abort mid-stream.
 */
export class SseClient {
  /** Everything received and parsed so far, in order. */
  readonly items: SseItem[] = [];
  private readonly decoder = new TextDecoder();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private buffer = '';
  private ended = false;

  private constructor(
    readonly response: Response,
    private readonly controller: AbortController,
  ) {
    this.reader = response.body?.getReader();
  }

  /** Sends the request; the answer may be a stream or a plain HTTP error (see `response`). */
  static async open(url: string, init: RequestInit = {}): Promise<SseClient> {
    const controller = new AbortController();
    const response = await fetch(url, { ...init, signal: controller.signal });
    return new SseClient(response, controller);
  }

  get isEventStream(): boolean {
    return (this.response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  }

  /** The next item, or undefined once the server ended the response. */
  async next(): Promise<SseItem | undefined> {
    for (;;) {
      const item = this.takeItem();
      if (item) return item;
      if (this.ended || !this.reader) return undefined;
      const { done, value } = await this.reader.read();
      if (done) this.ended = true;
      else this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** The next `data:` event's payload (comments skipped), or undefined at the end. */
  async nextData(): Promise<string | undefined> {
    for (let item = await this.next(); item; item = await this.next()) if (item.kind === 'data') return item.data;
    return undefined;
  }

  /** Reads to the end of the response; returns every item received (also those read before). */
  async readAll(): Promise<SseItem[]> {
    while (await this.next());
    return this.items;
  }

  /** Bytes after the last complete event (must be empty on a well-formed stream). */
  get leftover(): string {
    return this.buffer;
  }

  /** The `data:` events received so far, with their `id:` when they had one. */
  get events(): { id?: string; data: string }[] {
    return this.items.flatMap((i) => (i.kind === 'data' ? [{ data: i.data, ...(i.id !== undefined ? { id: i.id } : {}) }] : []));
  }

  /** The `data:` payloads received so far. */
  get data(): string[] {
    return this.items.flatMap((i) => (i.kind === 'data' ? [i.data] : []));
  }

  /** Hangs up as a browser tab closing would. */
  abort(): void {
    this.controller.abort();
  }

  /** Parses one complete event out of the buffer (events end with a blank line; CRLF tolerated). */
  private takeItem(): SseItem | undefined {
    const match = /\r?\n\r?\n/.exec(this.buffer);
    if (!match) return undefined;
    const block = this.buffer.slice(0, match.index);
    this.buffer = this.buffer.slice(match.index + match[0].length);
    const lines = block.split(/\r?\n/);
    const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, ''));
    const id = lines
      .find((l) => l.startsWith('id:'))
      ?.slice(3)
      .replace(/^ /, '');
    const item: SseItem =
      data.length > 0
        ? { kind: 'data', data: data.join('\n'), ...(id !== undefined ? { id } : {}) }
        : { kind: 'comment', text: lines.map((l) => l.replace(/^: ?/, '')).join('\n') };
    this.items.push(item);
    return item;
  }
}
