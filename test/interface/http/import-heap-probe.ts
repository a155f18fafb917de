/**
 * Run as a child process with `--expose-gc`: writes a ChatGPT export of about 40 MB (2,000
 * conversations of about 20 KB, each with a regenerated reply), uploads it to the real app over
 * HTTP with NDJSON progress, and prints the heap in use after a full GC once 200 and once all
 * conversations were imported, the time taken and the file's size. The store keeps nothing, so
 * flat memory means the two heaps are about equal; an import that held the file or its
 * conversations would grow by tens of megabytes in between.
 */
import 'reflect-metadata';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONVERSATION_STORE } from '../../../src/ports/conversation-store.port';
import { discardingConversationStore } from '../../fakes/discarding-conversation-store';
import { startApp } from '../../support/http';
import { testConfig } from '../../support/test-config';
import { devToken } from '../../support/tokens';

const COUNT = 2000;
const PARAGRAPH = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit — «ünïcödé» 🍞. '.repeat(14);

function conversation(i: number): string {
  const mapping: Record<string, unknown> = { root: { id: 'root', message: null, parent: null, children: ['u0'] } };
  let parent = 'root';
  for (let turn = 0; turn < 5; turn++) {
    const u = `u${turn}`;
    const a = `a${turn}`;
    const b = `b${turn}`;
    const next = turn < 4 ? [`u${turn + 1}`] : [];
    const msg = (role: string, text: string) => ({
      author: { role },
      content: { content_type: 'text', parts: [text] },
      create_time: 1717000000 + i * 100 + turn,
      metadata: role === 'assistant' ? { model_slug: 'gpt-4o' } : {},
    });
    mapping[u] = { id: u, parent, children: [a, b], message: msg('user', `Question ${turn} of ${i}: ${PARAGRAPH}`) };
    mapping[a] = { id: a, parent: u, children: [], message: msg('assistant', `First answer ${turn}: ${PARAGRAPH}`) };
    mapping[b] = { id: b, parent: u, children: next, message: msg('assistant', `Second answer ${turn}: ${PARAGRAPH}`) };
    parent = b;
  }
  return JSON.stringify({ id: `conv-${i}`, title: `Conversation ${i}`, create_time: 1717000000 + i, current_node: 'b4', mapping });
}

async function writeFile(file: string): Promise<void> {
  const out = createWriteStream(file);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  await write('[');
  for (let i = 0; i < COUNT; i++) await write((i === 0 ? '' : ',\n') + conversation(i));
  await write(']');
  await new Promise<void>((resolve) => out.end(resolve));
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const dir = await mkdtemp(path.join(tmpdir(), 'import-heap-'));
  const file = path.join(dir, 'conversations.json');
  const store = discardingConversationStore();
  const app = await startApp({
    config: testConfig({ RATE_LIMIT_ENABLED: 'false' }),
    configure: (c) => c.registerInstance(CONVERSATION_STORE, store),
  });
  try {
    await writeFile(file);
    const bytes = (await stat(file)).size;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    const res = await app.request('/v1/import', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${devToken()}`,
        'Content-Type': 'application/json',
        Accept: 'application/x-ndjson',
        'Content-Length': String(bytes),
      },
      body: createReadStream(file) as never,
      duplex: 'half',
    } as RequestInit);
    if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
    const heap: Record<string, number> = {};
    let lines = 0;
    let rest = '';
    let end: { totals: { imported: number; messages: number; branches: number } } | undefined;
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      rest += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = rest.indexOf('\n')) >= 0) {
        const line = JSON.parse(rest.slice(0, newline)) as { type: string; totals?: never };
        rest = rest.slice(newline + 1);
        if (line.type === 'conversation') lines += 1;
        if (line.type === 'end') end = line as never;
        if (lines === 200 && heap.at200 === undefined) {
          gc();
          heap.at200 = process.memoryUsage().heapUsed;
        }
      }
    }
    gc();
    heap.atEnd = process.memoryUsage().heapUsed;
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `${JSON.stringify({ bytes, conversations: lines, totals: end?.totals, written: store.written, heapBefore, heapAt200: heap.at200, heapAtEnd: heap.atEnd, seconds })}\n`,
    );
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
