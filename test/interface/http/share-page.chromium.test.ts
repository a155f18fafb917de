import { expect } from 'chai';
import { CONVERSATION_STORE, type ConversationStore } from '../../../src/ports/conversation-store.port';
import { chromiumOrSkip, dumpDom } from '../../support/chromium';
import { startApp, type RunningApp } from '../../support/http';
import { useRealHttp } from '../../support/real-http';
import { devToken, USER_A } from '../../support/tokens';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('share page in headless Chromium', () => {
  useRealHttp();
  let app: RunningApp;

  beforeEach(async () => {
    app = await startApp();
  });
  afterEach(() => app.close());

  it('shows the messages, renders the Markdown and runs no injected script', async function () {
    this.timeout(120_000);
    const chromium = chromiumOrSkip(this);
    const store = app.container.resolve<ConversationStore>(CONVERSATION_STORE);
    const user = { userId: USER_A, token: 't' };
    const q = await store.addUserMessage(user, {
      content: `Is this safe? <script>document.body.setAttribute('data-pwned','user-script')</script>`,
      model: 'local/echo',
    });
    await store.saveAssistantMessage(user, {
      conversation_id: q.conversation_id,
      branch_id: q.branch_id,
      parent_id: q.message_id,
      model: 'local/echo',
      content: [
        'Here is **bold advice** and a list:',
        '',
        '- first',
        '- second',
        '',
        `<img src=x onerror="document.body.setAttribute('data-pwned','onerror')">`,
        `<script>document.body.setAttribute('data-pwned','reply-script')</script>`,
        "[click me](javascript:document.body.setAttribute('data-pwned','link'))",
        '<a href="#" onclick="document.body.setAttribute(\'data-pwned\',\'click\')">html link</a>',
      ].join('\n'),
    });
    await store.updateConversation(user, q.conversation_id, { title: 'Safety <b>check</b>' });
    const res = await app.json<Json>(`/v1/conversations/${q.conversation_id}/shares`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${devToken(USER_A)}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);

    const dom = await dumpDom(chromium, res.body.data.url);
    expect(dom).to.contain('<strong>bold advice</strong>');
    expect(dom).to.match(/<li>first<\/li>\s*<li>second<\/li>/);
    expect(dom).to.contain('Is this safe? &lt;script&gt;');
    expect(dom).to.contain('&lt;img src=x onerror=');
    expect(dom).to.contain('<title>Safety &lt;b&gt;check&lt;/b&gt;</title>');
    expect(dom).to.contain('<meta property="og:title" content="Safety &lt;b&gt;check&lt;/b&gt;">');
    // Nothing ran: no attribute set, no script or event handler in the DOM, no javascript: link.
    expect(dom).not.to.contain('data-pwned=');
    expect(dom).not.to.match(/<script/i);
    expect(dom).not.to.match(/<[a-z][^>]*\son[a-z]+=/i);
    expect(dom).not.to.match(/href="javascript:/i);
  });
});
