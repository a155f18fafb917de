import { expect } from 'chai';
import OpenAI, { APIError, NotFoundError } from 'openai';
import { rejectionOf } from '../../support/async';
import { expectErrorEnvelope } from '../../support/envelope';
import { useRealHttp } from '../../support/real-http';
import { devToken, USER_A } from '../../support/tokens';
import { get, post, startChat, type ChatHarness, type Json } from './chat-harness';

describe('the OpenAI-compatible mount (/openai/v1) through the official SDK', () => {
  useRealHttp();
  let h: ChatHarness;
  let client: OpenAI;

  const start = async (setup: 'embedded' | 'litellm'): Promise<void> => {
    h = await startChat(setup);
    client = new OpenAI({ baseURL: `${h.app.url}/openai/v1`, apiKey: devToken(USER_A), maxRetries: 0 });
  };
  afterEach(async () => h.close());

  it('answers one chat.completion object when `stream` is left out, as OpenAI does', async () => {
    await start('embedded');
    const completion = await client.chat.completions.create({ model: h.model, messages: [{ role: 'user', content: 'No stream flag' }] });
    expect(completion.object).to.equal('chat.completion');
    expect(completion.choices[0]!.message.content).to.equal('Echo: No stream flag');
    // The same under /v1, while the previous gateway's form keeps streaming by default.
    const v1 = new OpenAI({ baseURL: `${h.app.url}/v1`, apiKey: devToken(USER_A), maxRetries: 0 });
    const again = await v1.chat.completions.create({ model: h.model, messages: [{ role: 'user', content: 'Again' }] });
    expect(again.choices[0]!.message.content).to.equal('Echo: Again');
    const legacy = await h.app.request('/v1/chat/completions', post(USER_A, { message: 'Stream me' }));
    expect(legacy.headers.get('content-type')).to.match(/^text\/event-stream/);
    await legacy.text();
  });

  it('lists and retrieves models in OpenAI’s shape; /v1/models keeps the envelope', async () => {
    await start('embedded');
    const ids: string[] = [];
    for await (const model of client.models.list()) {
      expect(model).to.have.all.keys('id', 'object', 'created', 'owned_by');
      expect(model.object).to.equal('model');
      expect(model.created).to.be.a('number');
      ids.push(model.id);
    }
    expect(ids).to.include.members(['local/echo', 'local/lorem']);

    const echo = await client.models.retrieve('local/echo');
    expect(echo).to.deep.include({ id: 'local/echo', object: 'model', owned_by: 'local' });
    const missing = await rejectionOf(client.models.retrieve('nope/nothing'));
    expect(missing).to.be.instanceOf(NotFoundError);

    const raw = await h.app.json<Json>('/openai/v1/models', get(USER_A));
    expect(raw.body).to.have.all.keys('object', 'data');
    const enveloped = await h.app.json<Json>('/v1/models', get(USER_A));
    expect(enveloped.body).to.include({ success: true });
  });

  it('requires the token like /v1', async () => {
    await start('embedded');
    const anonymous = new OpenAI({ baseURL: `${h.app.url}/openai/v1`, apiKey: 'not-a-token', maxRetries: 0 });
    const error = await rejectionOf(anonymous.models.list());
    expect(error).to.be.instanceOf(APIError);
    expect((error as APIError).status).to.equal(401);
  });

  it('passes the usual sampling parameters to LiteLLM as given', async () => {
    await start('litellm');
    const sampling = {
      top_p: 0.9,
      stop: ['\n\n', 'END'],
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      response_format: { type: 'json_object' as const },
      temperature: 0.2,
    };
    const completion = await client.chat.completions.create({
      model: h.model,
      messages: [{ role: 'user', content: 'Parameters' }],
      ...sampling,
      user: 'client-side-id',
      n: 1,
      max_completion_tokens: 64,
    });
    expect(completion.choices[0]!.message.content).to.equal('Echo: Parameters');
    const sent = h.litellm!.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)!.body as Json;
    expect(sent).to.deep.include({ ...sampling, max_tokens: 64, stream: false });
    // LiteLLM's spend tracking gets the authenticated user, never a name the client chose.
    expect(sent.user).to.equal(USER_A);
    expect(sent).not.to.have.property('n');

    const schema = { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } } as const;
    await client.chat.completions.create({ model: h.model, messages: [{ role: 'user', content: 'Schema' }], response_format: schema });
    expect((h.litellm!.requests.at(-1)!.body as Json).response_format).to.deep.equal(schema);
  });

  it('refuses what it cannot honour with a 422 naming each parameter and why, before anything is stored', async () => {
    await start('embedded');
    const body = {
      model: h.model,
      messages: [{ role: 'user', content: 'Use a tool' }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      tool_choice: 'auto',
      n: 2,
      audio: { voice: 'alloy', format: 'mp3' },
      modalities: ['text', 'audio'],
      logprobs: true,
    };
    const res = await h.app.json<Json>('/openai/v1/chat/completions', post(USER_A, body));
    const error = expectErrorEnvelope(res, 422, 'VALIDATION_ERROR');
    const fields = new Map((error.details!.fields as Json[]).map((f) => [f.path, f.message as string]));
    expect([...fields.keys()]).to.include.members(['tools', 'tool_choice', 'n', 'audio', 'modalities', 'logprobs']);
    expect(fields.get('tools')).to.match(/^is not supported: .*tool and function calls are not relayed/);
    expect(fields.get('n')).to.match(/^is not supported: .*n must be 1/);
    expect(fields.get('audio')).to.match(/^is not supported: .*audio/);

    // Through the SDK it is an error with the status and the gateway's message.
    const sdkError = await rejectionOf(
      client.chat.completions.create({ model: h.model, messages: [{ role: 'user', content: 'Two' }], n: 2 }),
    );
    expect((sdkError as APIError).status).to.equal(422);

    // Asking for nothing is not refused: null, n = 1, logprobs false.
    const fine = await client.chat.completions.create({
      model: h.model,
      messages: [{ role: 'user', content: 'Fine' }],
      n: 1,
      logprobs: false,
      tools: null as never,
    });
    expect(fine.choices[0]!.message.content).to.equal('Echo: Fine');
    const list = await h.app.json<Json>('/v1/conversations', get(USER_A));
    expect(list.body.data.items).to.have.length(1);
  });
});
