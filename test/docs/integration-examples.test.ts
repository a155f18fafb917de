import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GUIDE_FILES, guideExamples, guideWithExamples } from '../../scripts/sync-docs';
import { MemoryUserDirectory } from '../../src/adapters/memory/memory-user-directory';
import { AppError } from '../../src/domain/errors/app-error';
import { ERROR_CODES } from '../../src/domain/errors/error-codes';
import { STATUS_BY_CODE } from '../../src/interface/http/errors/error-status';
import { LLM_GATEWAY, type LlmGateway } from '../../src/ports/llm-gateway.port';
import { USER_DIRECTORY } from '../../src/ports/user-directory.port';
import { sendAndShow } from '../../docs/examples/chat-page';
import { ERROR_ADVICE, fieldErrors, isSafeToRetry, withRetry } from '../../docs/examples/errors';
import { createGateway, fixedSession, GatewayError, type Gateway, type SessionSource } from '../../docs/examples/gateway-api';
import { priceLabel, chatModels } from '../../docs/examples/models';
import { askWithSdk, chatWithSdk, createGatewayOpenAI, modelIdsWithSdk } from '../../docs/examples/openai-sdk';
import { createConversation } from '../../docs/examples/create-conversation';
import { allConversations, conversationsPage } from '../../docs/examples/pagination';
import { regenerate, regenerateStreamed } from '../../docs/examples/regenerate';
import { branchShowing, showAlternative, visibleThread } from '../../docs/examples/render-branches';
import { highlightHtml, highlightSegments, searchConversations } from '../../docs/examples/search-highlights';
import { fetchExport, saveFile } from '../../docs/examples/export-download';
import { deleteConversations } from '../../docs/examples/batch-delete';
import { importFile, type ImportProgress } from '../../docs/examples/import-file';
import { listShares, readShare, revokeShare, shareBranch } from '../../docs/examples/share-link';
import { fixtureText } from '../support/import-client';
import { sseData, streamChat } from '../../docs/examples/stream-chat';
import { createApi, renameConversation } from '../../docs/examples/typed-client';
import type { ConversationFull } from '../../clients/typescript';
import { rejectionOf } from '../support/async';
import { startApp, type RunningApp } from '../support/http';
import { testConfig } from '../support/test-config';
import { devToken } from '../support/tokens';

const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLES_DIR = path.join(ROOT, 'docs/examples');

/** A stand-in for `supabase.auth`: a session whose token the test controls; refreshing mints a fresh one. */
class FakeSupabaseAuth implements SessionSource {
  refreshes = 0;
  constructor(
    private readonly userId: string,
    private token: string | null = devToken(userId),
  ) {}

  async getSession() {
    return { data: { session: this.token === null ? null : { access_token: this.token } } };
  }

  async refreshSession() {
    this.refreshes += 1;
    this.token = devToken(this.userId);
    return { data: { session: { access_token: this.token } } };
  }
}

let userSeq = 0;
/** A fresh user per test: every test sees only its own conversations. */
function newUser(): string {
  userSeq += 1;
  return `5e000000-0000-4000-8000-${String(userSeq).padStart(12, '0')}`;
}

async function errorOf(promise: Promise<unknown>): Promise<GatewayError> {
  const err = await rejectionOf(promise);
  expect(err).to.be.instanceOf(GatewayError);
  return err as GatewayError;
}

function body(text: string, chunkSizes: number[]): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      let at = 0;
      for (const size of chunkSizes) {
        controller.enqueue(bytes.slice(at, at + size));
        at += size;
      }
      if (at < bytes.length) controller.enqueue(bytes.slice(at));
      controller.close();
    },
  });
}

async function collect(gen: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of gen) out.push(item);
  return out;
}

describe('integration guide (docs/integration-guide.md) and its examples', () => {
  describe('the guides', () => {
    const guides = GUIDE_FILES.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
    const guide = guides[0]!.text;

    it('copy every file of docs/examples exactly once, unchanged (npm run docs:sync)', () => {
      const files = readdirSync(EXAMPLES_DIR)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `docs/examples/${f}`);
      const blocks = guides.flatMap((g) => guideExamples(g.text));
      expect(blocks.map((b) => b.file)).to.have.members(files);
      for (const block of blocks) {
        if (block.text !== readFileSync(path.join(ROOT, block.file), 'utf8')) {
          expect.fail(`${block.file} differs from its copy in a guide: run npm run docs:sync`);
        }
      }
      for (const g of guides) expect(guideWithExamples(g.text), g.file).to.equal(g.text);
    });

    it('have no TypeScript sample that is not a tested file', () => {
      for (const g of guides) {
        const fences = g.text.match(/```(ts|typescript|js|javascript)\n/g) ?? [];
        expect(fences.length, g.file).to.equal(guideExamples(g.text).length);
      }
    });

    it('lists every error code once, with its status and the retry advice of errors.ts', () => {
      const rows = guide
        .split('\n')
        .map((line) => /^\| (\d{3}) +\| `([A-Z_]+)` +\|.*\| ([^|]+?) +\|$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null);
      expect(rows.map((r) => r[2])).to.have.members([...ERROR_CODES]);
      for (const [, status, code, retry] of rows) {
        expect(Number(status), code).to.equal(STATUS_BY_CODE[code as keyof typeof STATUS_BY_CODE]);
        const advice = ERROR_ADVICE[code as keyof typeof ERROR_ADVICE].retry;
        expect(retry, code).to.match(advice === 'refresh' ? /^refresh/ : advice === 'wait' ? /^wait/ : /^no/);
      }
      expect(Object.keys(ERROR_ADVICE)).to.have.members([...ERROR_CODES]);
    });
  });

  describe('against the running gateway (embedded default)', () => {
    let app: RunningApp;
    const directory = (): MemoryUserDirectory => app.container.resolve<MemoryUserDirectory>(USER_DIRECTORY);

    before(async () => {
      app = await startApp({ config: testConfig({ LOCAL_MODEL_TOKEN_DELAY_MS: '0', CORS_ORIGINS: 'http://app.example' }) });
    });
    after(async () => app.close());

    describe('gateway-api.ts', () => {
      it('signs calls with the session token and unwraps the envelope', async () => {
        const gateway = createGateway(`${app.url}/`, new FakeSupabaseAuth(newUser()));
        const balance = await gateway.call<{ available_balance: number; currency: string }>('GET', '/v1/user/balance');
        expect(balance.currency).to.equal('USD');
        expect(balance.available_balance).to.be.greaterThan(0);
      });

      it('refreshes the session once on AUTH_EXPIRED and repeats the request, a POST included', async () => {
        const user = newUser();
        const auth = new FakeSupabaseAuth(user, devToken(user, { expiresIn: -3600 }));
        const gateway = createGateway(app.url, auth);
        const created = await gateway.call<{ id: string; title: string }>('POST', '/v1/conversations', { title: 'After a refresh' });
        expect(created.title).to.equal('After a refresh');
        expect(auth.refreshes).to.equal(1);
        const page = await gateway.call<{ items: { id: string }[] }>('GET', '/v1/conversations');
        expect(page.items.map((c) => c.id)).to.deep.equal([created.id]);
        expect(auth.refreshes).to.equal(1);
      });

      it('does not refresh on AUTH_INVALID, and says AUTH_REQUIRED without a session', async () => {
        const auth = new FakeSupabaseAuth(newUser(), 'not-a-jwt');
        const invalid = await errorOf(createGateway(app.url, auth).call('GET', '/v1/user/profile'));
        expect(invalid).to.include({ status: 401, code: 'AUTH_INVALID' });
        expect(invalid.requestId).to.be.a('string');
        expect(auth.refreshes).to.equal(0);
        const signedOut = await errorOf(createGateway(app.url, new FakeSupabaseAuth(newUser(), null)).call('GET', '/v1/user/profile'));
        expect(signedOut.code).to.equal('AUTH_REQUIRED');
      });
    });

    describe('stream-chat.ts and chat-page.ts', () => {
      it('parses events split anywhere, CRLF or LF, multi-line data and comments', async () => {
        const text = ': ping\r\n\r\ndata: {"a":1}\r\n\r\ndata: line one\ndata: line two\n\n:comment\ndata:[DONE]\n\n';
        for (const sizes of [[1000], [1, 2, 3, 5, 8, 13, 21], [7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [9, 1]]) {
          expect(await collect(sseData(body(text, sizes))), sizes.join(',')).to.deep.equal(['{"a":1}', 'line one\nline two', '[DONE]']);
        }
        // "\r" at the end of one chunk and "\n" at the start of the next is one line end.
        expect(await collect(sseData(body('data: x\r\ndata: y\r\n\r\n', [8, 1, 7])))).to.deep.equal(['x\ny']);
      });

      it('streams a new conversation, then continues it', async () => {
        const gateway = createGateway(app.url, new FakeSupabaseAuth(newUser()));
        const deltas: string[] = [];
        const refs: unknown[] = [];
        const first = await streamChat(
          gateway,
          { message: 'Plan a trip' },
          { onDelta: (t) => deltas.push(t), onConversation: (c) => refs.push(c) },
        );
        expect(first.content).to.equal('Echo: Plan a trip');
        expect(deltas.join('')).to.equal(first.content);
        expect(deltas.length).to.be.greaterThan(1);
        expect(first.finishReason).to.equal('stop');
        expect(first.usage?.completion_tokens).to.equal(deltas.length);
        expect(refs).to.have.length(2);
        expect(first.conversation.assistant_message_id).to.be.a('string');

        const second = await streamChat(gateway, { message: 'And back', conversation_id: first.conversation.conversation_id });
        expect(second.conversation.conversation_id).to.equal(first.conversation.conversation_id);
        const full = await gateway.call<ConversationFull>('GET', `/v1/conversations/${first.conversation.conversation_id}/full`);
        expect(full.messages.map((m) => m.content)).to.deep.equal(['Plan a trip', 'Echo: Plan a trip', 'And back', 'Echo: And back']);
      });

      it('writes the reply into a page element', async () => {
        const output = { textContent: 'previous reply' as string | null };
        const reply = await sendAndShow(app.url, new FakeSupabaseAuth(newUser()), 'Hello page', output);
        expect(output.textContent).to.equal('Echo: Hello page');
        expect(reply.content).to.equal(output.textContent);
      });

      it('works with a development token and no Supabase (fixedSession)', async () => {
        const output = { textContent: null as string | null };
        await sendAndShow(app.url, fixedSession(devToken(newUser())), 'No Supabase yet', output);
        expect(output.textContent).to.equal('Echo: No Supabase yet');
      });

      it('rejects with the HTTP error before the stream: 402 INSUFFICIENT_BALANCE', async () => {
        const user = newUser();
        const gateway = createGateway(app.url, new FakeSupabaseAuth(user));
        directory().setBudget(user, { max_budget: 1, spend: 1 });
        const error = await errorOf(streamChat(gateway, { message: 'Hello' }));
        expect(error).to.include({ status: 402, code: 'INSUFFICIENT_BALANCE' });
        expect(error.details).to.include({ available_balance: 0 });
      });

      it('stops when aborted', async () => {
        // Tokens arrive 20 ms apart here, so the stream is still open when the first one is shown.
        const slow = await startApp();
        try {
          const gateway = createGateway(slow.url, new FakeSupabaseAuth(newUser()));
          const controller = new AbortController();
          const shown: string[] = [];
          const error = await rejectionOf(
            streamChat(
              gateway,
              { message: 'one two three four five six seven eight' },
              {
                onDelta: (t) => {
                  shown.push(t);
                  controller.abort();
                },
              },
              controller.signal,
            ),
          );
          expect((error as Error).name).to.equal('AbortError');
          expect(shown).to.deep.equal(['Echo:']);
        } finally {
          await slow.close();
        }
      });
    });

    describe('stream-chat.ts after the stream started', () => {
      let failing: RunningApp;
      before(async () => {
        const gateway: LlmGateway = {
          async *stream() {
            yield [{ type: 'delta', content: 'Half a' } as const];
            throw new AppError('UPSTREAM_ERROR', 'The model provider failed mid-stream');
          },
          complete: () => Promise.reject(new Error('not used')),
        };
        failing = await startApp({ configure: (c) => c.registerInstance(LLM_GATEWAY, gateway) });
      });
      after(async () => failing.close());

      it('rejects with the error event (status 200) and the partial reply is stored', async () => {
        const gateway = createGateway(failing.url, new FakeSupabaseAuth(newUser()));
        let conversationId = '';
        const error = await errorOf(
          streamChat(gateway, { message: 'Tell me' }, { onConversation: (c) => (conversationId = c.conversation_id) }),
        );
        expect(error).to.include({ status: 200, code: 'UPSTREAM_ERROR' });
        expect(error.requestId).to.be.a('string');
        const full = await gateway.call<ConversationFull>('GET', `/v1/conversations/${conversationId}/full`);
        expect(full.messages.map((m) => m.content)).to.deep.equal(['Tell me', 'Half a']);
      });
    });

    describe('openai-sdk.ts', () => {
      it('streams through the official SDK and continues the conversation through conversation_id', async () => {
        const user = newUser();
        const sent: Headers[] = [];
        const recordingFetch: typeof fetch = (input, init) => {
          sent.push(new Headers(init?.headers));
          return fetch(input, init);
        };
        const client = createGatewayOpenAI(app.url, async () => devToken(user), { fetch: recordingFetch });
        let streamed = '';
        const first = await chatWithSdk(client, { model: 'local/echo', message: 'Hi SDK' }, (t) => (streamed += t));
        expect(first.content).to.equal('Echo: Hi SDK');
        expect(streamed).to.equal(first.content);
        expect(first.conversation?.assistant_message_id).to.be.a('string');
        const second = await chatWithSdk(
          client,
          { model: 'local/echo', message: 'Again', conversationId: first.conversation?.conversation_id },
          () => {},
        );
        expect(second.conversation?.conversation_id).to.equal(first.conversation?.conversation_id);
        expect(sent[0]?.get('authorization')).to.match(/^Bearer eyJ/);
        expect(await askWithSdk(client, 'local/echo', 'One object')).to.equal('Echo: One object');
        expect(await modelIdsWithSdk(client)).to.include.members(['local/echo', 'local/lorem']);

        // Every header the SDK sends is one a browser may send cross-origin to this gateway.
        const names = [...new Set(sent.flatMap((h) => [...h.keys()]))];
        const preflight = await app.request('/openai/v1/chat/completions', {
          method: 'OPTIONS',
          headers: {
            Origin: 'http://app.example',
            'Access-Control-Request-Method': 'POST',
            'Access-Control-Request-Headers': names.join(','),
          },
        });
        expect(preflight.status).to.be.within(200, 204);
        const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
        const safelisted = ['accept', 'accept-language', 'content-language'];
        expect(names.filter((n) => !allowed.includes(n) && !safelisted.includes(n))).to.deep.equal([]);
      });
    });

    describe('create-conversation.ts', () => {
      it('creates an empty conversation that the first message then continues', async () => {
        const user = newUser();
        const gateway = createGateway(app.url, fixedSession(devToken(user)));
        const conversation = await createConversation(gateway, { title: 'Trip planning', model: 'local/echo' });
        expect(conversation).to.include({ title: 'Trip planning', model: 'local/echo' });
        const untitled = await createConversation(gateway);
        expect(untitled.model).to.equal('local/echo');

        let reply = '';
        await streamChat(gateway, { message: 'First message', conversation_id: conversation.id }, { onDelta: (t) => (reply += t) });
        expect(reply).to.equal('Echo: First message');
        const full = await gateway.call<ConversationFull>('GET', `/v1/conversations/${conversation.id}/full`);
        expect(full.messages.map((m) => m.content)).to.deep.equal(['First message', 'Echo: First message']);
      });
    });

    describe('render-branches.ts and regenerate.ts', () => {
      it('regenerates into a new branch, renders the fork and switches back', async () => {
        const gateway = createGateway(app.url, new FakeSupabaseAuth(newUser()));
        const turn = await streamChat(gateway, { message: 'Pick a colour' });
        const conversationId = turn.conversation.conversation_id;
        const firstReply = turn.conversation.assistant_message_id!;

        const regenerated = await regenerateStreamed(gateway, firstReply, { branch_name: 'Second take' });
        expect(regenerated.content).to.equal('Echo: Pick a colour');
        expect(regenerated.conversation.branch_id).to.not.equal(turn.conversation.branch_id);

        let full = await gateway.call<ConversationFull>('GET', `/v1/conversations/${conversationId}/full`);
        let thread = visibleThread(full);
        expect(thread.map((t) => t.message.role)).to.deep.equal(['user', 'assistant']);
        expect(thread[1]?.message.id).to.equal(regenerated.conversation.assistant_message_id);
        expect(thread[1]?.alternative).to.include({ index: 2, count: 2, previousId: firstReply });
        expect(branchShowing(full, firstReply)).to.equal(turn.conversation.branch_id);

        full = await showAlternative(gateway, full, firstReply);
        thread = visibleThread(full);
        expect(full.conversation.active_branch_id).to.equal(turn.conversation.branch_id);
        expect(thread[1]?.message.id).to.equal(firstReply);
        expect(thread[1]?.alternative).to.include({ index: 1, count: 2, nextId: regenerated.conversation.assistant_message_id });

        const third = await regenerate(gateway, firstReply);
        expect(third.message).to.include({ role: 'assistant', content: 'Echo: Pick a colour' });
        full = await gateway.call<ConversationFull>('GET', `/v1/conversations/${conversationId}/full`);
        expect(visibleThread(full)[1]?.alternative.count).to.equal(3);
      });
    });

    describe('errors.ts', () => {
      let limited: RunningApp;
      before(async () => {
        limited = await startApp({ config: testConfig({ RATE_LIMIT_READS: '1' }) });
      });
      after(async () => limited.close());

      it('retries a rate-limited read after Retry-After, and never a chat that reached the model', async () => {
        const gateway: Gateway = createGateway(limited.url, new FakeSupabaseAuth(newUser()));
        await gateway.call('GET', '/v1/user/balance');
        const refused = await errorOf(gateway.call('GET', '/v1/user/balance'));
        expect(refused).to.include({ status: 429, code: 'RATE_LIMITED' });
        expect(refused.retryAfterSeconds).to.be.greaterThan(0);
        expect(isSafeToRetry(refused, 'GET')).to.equal(true);
        expect(isSafeToRetry(refused, 'POST'), 'the gateway refused it before doing anything').to.equal(true);

        const waits: number[] = [];
        let attempts = 0;
        const answer = await withRetry(
          'GET',
          async () => {
            attempts += 1;
            if (attempts === 1) throw refused;
            return 'ok';
          },
          { sleep: async (ms) => void waits.push(ms), maxWaitSeconds: 3600 },
        );
        expect(answer).to.equal('ok');
        expect(waits).to.deep.equal([refused.retryAfterSeconds! * 1000]);

        const upstream = new GatewayError({ status: 503, code: 'UPSTREAM_UNAVAILABLE', message: 'down', retryAfterSeconds: 1 });
        expect(isSafeToRetry(upstream, 'POST')).to.equal(false);
        expect(await rejectionOf(withRetry('POST', () => Promise.reject(upstream), { sleep: async () => {} }))).to.equal(upstream);
      });

      it('reads the fields of a VALIDATION_ERROR', async () => {
        const gateway = createGateway(app.url, new FakeSupabaseAuth(newUser()));
        const error = await errorOf(gateway.call('PATCH', '/v1/user/profile', { locale: 'not a locale!' }));
        expect(error).to.include({ status: 422, code: 'VALIDATION_ERROR' });
        expect(fieldErrors(error).map((f) => f.path)).to.deep.equal(['locale']);
      });
    });

    describe('pagination.ts', () => {
      it('walks every page', async () => {
        const gateway = createGateway(app.url, new FakeSupabaseAuth(newUser()));
        const titles = ['one', 'two', 'three', 'four', 'five'];
        for (const title of titles) await gateway.call('POST', '/v1/conversations', { title });
        const page = await conversationsPage(gateway, 1, 2);
        expect(page.pagination).to.deep.equal({ page: 1, limit: 2, total: 5, pages: 3 });
        const all: string[] = [];
        for await (const c of allConversations(gateway, 2)) all.push(c.title ?? '');
        expect(all).to.have.members(titles);
        expect(all).to.have.length(5);
      });
    });

    describe('models.ts', () => {
      it('lists the chat models with a price label', async () => {
        const gateway = createGateway(app.url, new FakeSupabaseAuth(newUser()));
        const catalogue = await chatModels(gateway);
        expect(catalogue.items.map((m) => m.id)).to.include.members(['local/echo', 'local/lorem']);
        expect(catalogue.stale).to.equal(false);
        expect(catalogue.items.map(priceLabel)).to.include('free');
        const priced = { ...catalogue.items[0]!, pricing: { input_per_1m: 2.5, output_per_1m: 10, currency: 'USD' as const } };
        expect(priceLabel(priced)).to.equal('$2.50 in / $10.00 out per 1M tokens');
        expect(priceLabel({ ...priced, pricing: { ...priced.pricing, input_per_1m: null } })).to.equal('price unknown');
      });
    });

    describe('search-highlights.ts', () => {
      it('searches and highlights the title and the snippets, escaped', async () => {
        const gateway = createGateway(app.url, new FakeSupabaseAuth(newUser()));
        const created = await gateway.call<{ id: string }>('POST', '/v1/conversations', { title: 'Trip to Tbilisi' });
        await streamChat(gateway, { message: 'Where to eat in <b>Tbilisi</b>?', conversation_id: created.id });
        await gateway.call('POST', '/v1/conversations', { title: 'Something else' });

        const page = await searchConversations(gateway, 'tbilisi');
        expect(page.items.map((h) => h.id)).to.deep.equal([created.id]);
        const hit = page.items[0]!;
        expect(highlightSegments(hit.title ?? '', hit.title_highlights)).to.deep.equal([
          { text: 'Trip to ', highlighted: false },
          { text: 'Tbilisi', highlighted: true },
        ]);
        const html = hit.matches.map((m) => highlightHtml(m.snippet, m.highlights));
        expect(html).to.include('Where to eat in &lt;b&gt;<mark>Tbilisi</mark>&lt;/b&gt;?');
        expect(html.join('')).to.not.contain('<b>');
      });
    });

    describe('export-download.ts', () => {
      it('downloads a Markdown export under the name the gateway gives it, and hands it to the page', async () => {
        const gateway = createGateway(app.url, new FakeSupabaseAuth(newUser()));
        const created = await gateway.call<{ id: string }>('POST', '/v1/conversations', { title: 'Exported chat' });
        await streamChat(gateway, { message: 'Keep this', conversation_id: created.id });

        const file = await fetchExport(gateway, { ids: [created.id], format: 'markdown' });
        expect(file.filename).to.match(/^conversations-[0-9-]+\.md$/);
        const text = await file.blob.text();
        expect(text).to.contain('## Exported chat').and.contain('Echo: Keep this');

        const clicked: { href: string; download: string }[] = [];
        const page = {
          createElement: () => ({
            href: '',
            download: '',
            click() {
              clicked.push({ href: this.href, download: this.download });
            },
          }),
        };
        saveFile(file, page);
        expect(clicked).to.have.length(1);
        expect(clicked[0]?.href).to.match(/^blob:/);
        expect(clicked[0]?.download).to.equal(file.filename);

        const json = await fetchExport(gateway, { format: 'json' });
        expect(json.filename).to.match(/\.json$/);
        expect(JSON.parse(await json.blob.text())).to.include({ exported: 1 });
      });
    });

    describe('import-file.ts', () => {
      it('imports a ChatGPT export with progress, then reports it already imported', async () => {
        const gateway = createGateway(app.url, new FakeSupabaseAuth(newUser()));
        const file = new Blob([fixtureText('import/chatgpt-conversations.json')], { type: 'application/json' });
        const progress: ImportProgress[] = [];
        const first = await importFile(gateway, file, (p) => progress.push(p));
        expect(first.totals).to.include({ conversations: 4, imported: 3, skipped: 1, failed: 0 });
        expect(progress.map((p) => `${p.done}/${p.total}`)).to.deep.equal(['1/4', '2/4', '3/4', '4/4']);
        const imported = first.results.find((r) => r.status === 'imported')!;
        const full = await gateway.call<{ branches: unknown[] }>('GET', `/v1/conversations/${imported.conversation_id}/full`);
        expect(full.branches).to.have.length(3);

        const again = await importFile(gateway, file, undefined, 'chatgpt');
        expect(again.totals).to.include({ imported: 0, skipped: 4 });
        expect(again.results[0]).to.include({ status: 'skipped', reason: 'already_imported', conversation_id: imported.conversation_id });
      });

      it('rejects a malformed file with the path of the first bad place', async () => {
        const gateway = createGateway(app.url, new FakeSupabaseAuth(newUser()));
        const err = await errorOf(importFile(gateway, new Blob(['[{"uuid":"a","chat_messages":[{"text":"hi"}]}]'])));
        expect(err.status).to.equal(422);
        expect(err.code).to.equal('VALIDATION_ERROR');
        expect(fieldErrors(err)[0]).to.include({ path: '0.chat_messages.0.sender' });
      });
    });

    describe('share-link.ts', () => {
      it('shares a branch, reads it without a token (then 304 with the ETag), lists and revokes it', async () => {
        const gateway = createGateway(app.url, new FakeSupabaseAuth(newUser()));
        const created = await gateway.call<{ id: string }>('POST', '/v1/conversations', { title: 'Shared chat' });
        await streamChat(gateway, { message: 'Share this', conversation_id: created.id });
        const share = await shareBranch(gateway, created.id);
        expect(share.url).to.equal(`${app.url}/s/${share.share_id}`);

        const read = await readShare(app.url, share.share_id);
        expect(read!.snapshot.title).to.equal('Shared chat');
        expect(read!.snapshot.messages.map((m) => m.content)).to.deep.equal(['Share this', 'Echo: Share this']);
        expect(await readShare(app.url, share.share_id, read!.etag!)).to.equal(null);

        expect((await listShares(gateway, created.id)).map((s) => s.share_id)).to.deep.equal([share.share_id]);
        await revokeShare(gateway, share.share_id);
        const gone = await errorOf(readShare(app.url, share.share_id));
        expect(gone.status).to.equal(404);
        expect(await listShares(gateway, created.id)).to.deep.equal([]);
      });
    });

    describe('batch-delete.ts', () => {
      it('deletes nothing until the user confirms the preview, then deletes', async () => {
        const gateway = createGateway(app.url, new FakeSupabaseAuth(newUser()));
        const ids: string[] = [];
        for (const title of ['First', 'Second']) ids.push((await gateway.call<{ id: string }>('POST', '/v1/conversations', { title })).id);

        expect(await deleteConversations(gateway, ids, async () => false)).to.equal(null);
        expect((await conversationsPage(gateway, 1)).pagination.total).to.equal(2);

        const previews: string[][] = [];
        const result = await deleteConversations(gateway, ids, async (preview) => {
          previews.push(preview.conversations.map((c) => c.title ?? ''));
          return true;
        });
        expect(previews).to.have.length(1);
        expect(previews[0]).to.have.members(['First', 'Second']);
        expect(result).to.include({ deleted: 2, not_found: 0 });
        expect((await conversationsPage(gateway, 1)).pagination.total).to.equal(0);
      });
    });

    describe('typed-client.ts', () => {
      it('renames a conversation through the generated client', async () => {
        const auth = new FakeSupabaseAuth(newUser());
        const gateway = createGateway(app.url, auth);
        const created = await gateway.call<{ id: string }>('POST', '/v1/conversations', { title: 'Old' });
        expect(await renameConversation(createApi(app.url, auth), created.id, 'New title')).to.equal('New title');
        const missing = await errorOf(renameConversation(createApi(app.url, auth), '00000000-0000-4000-8000-000000000000', 'x'));
        expect(missing.code).to.equal('NOT_FOUND');
      });
    });
  });

  describe('search-highlights.ts', () => {
    it('cuts the text at sorted, clamped, merged ranges in UTF-16 indices', () => {
      expect(highlightSegments('Trip planning for Tbilisi', [{ start: 18, end: 25 }])).to.deep.equal([
        { text: 'Trip planning for ', highlighted: false },
        { text: 'Tbilisi', highlighted: true },
      ]);
      expect(
        highlightSegments('abcdef', [
          { start: 4, end: 99 },
          { start: 0, end: 2 },
          { start: 1, end: 3 },
        ]),
      ).to.deep.equal([
        { text: 'abc', highlighted: true },
        { text: 'd', highlighted: false },
        { text: 'ef', highlighted: true },
      ]);
      // An emoji is two UTF-16 units: offsets count them as JavaScript does.
      expect(highlightSegments('🙂 tea', [{ start: 3, end: 6 }]).map((s) => s.text)).to.deep.equal(['🙂 ', 'tea']);
    });

    it('escapes every piece of text in the HTML form', () => {
      expect(highlightHtml('<b>"x" & y</b>', [{ start: 4, end: 5 }])).to.equal('&lt;b&gt;&quot;<mark>x</mark>&quot; &amp; y&lt;/b&gt;');
    });
  });
});
