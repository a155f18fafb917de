import { expect } from 'chai';
import { Type, type TSchema } from 'typebox';
import { compileValidator } from '../../../src/interface/http/routing/request-validator';
import { allRoutes } from '../../../src/interface/http/routes/all-routes';
import { CONTROL_CHARACTER_MESSAGE, MALFORMED_TEXT_MESSAGE, textRuleViolations } from '../../../src/interface/http/routing/text-rule';
import { UpdateProfileBody } from '../../../src/interface/http/schemas/user.schemas';
import { MAX_BYTES_KEYWORD } from '../../../src/support/json-schema';
import { expectErrorEnvelope } from '../../support/envelope';
import { startApp, type RunningApp } from '../../support/http';
import { bearer, devToken } from '../../support/tokens';

type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: unknown;
  propertyNames?: { maxLength?: number };
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};

/**
 * Every way a request schema can let unbounded input through: a string without `maxLength` (an
 * enum or const is bounded), an array without `maxItems`, an object that accepts unknown
 * properties, a record without a bound on its keys or their number, and a free-form value with no
 * `x-max-bytes` around it.
 */
function unboundedParts(schema: TSchema, at: string): string[] {
  const out: string[] = [];
  const walk = (s: Schema | undefined, path: string, sized: boolean): void => {
    if (!s || typeof s !== 'object') return;
    const bounded = sized || typeof s[MAX_BYTES_KEYWORD] === 'number';
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) s[key]?.forEach((branch) => walk(branch, path, bounded));
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
    const fixed = s.enum !== undefined || s.const !== undefined;
    if (types.includes('string') && s.maxLength === undefined && !fixed) out.push(`${path}: string without maxLength`);
    if (types.includes('array')) {
      if (s.maxItems === undefined) out.push(`${path}: array without maxItems`);
      walk(s.items, `${path}[]`, bounded);
    }
    if (types.includes('object')) {
      if (s.patternProperties) {
        if (s.maxProperties === undefined) out.push(`${path}: record without maxProperties`);
        if (s.propertyNames?.maxLength === undefined) out.push(`${path}: record keys without maxLength`);
        for (const value of Object.values(s.patternProperties)) walk(value, `${path}.*`, bounded);
      } else if (s.additionalProperties !== false) out.push(`${path}: object without additionalProperties: false`);
      for (const [name, value] of Object.entries(s.properties ?? {})) walk(value, `${path}.${name}`, bounded);
    }
    const freeForm = types.length === 0 && !fixed && !s.anyOf && !s.oneOf && !s.allOf;
    if (freeForm && !bounded) out.push(`${path}: free-form value without ${MAX_BYTES_KEYWORD}`);
  };
  walk(schema as unknown as Schema, at, false);
  return out;
}

describe('Request schemas: every string, array and object of every route is bounded', () => {
  it('finds nothing unbounded in the params, query and body of allRoutes()', () => {
    const problems: string[] = [];
    for (const route of allRoutes()) {
      for (const location of ['params', 'query', 'body'] as const) {
        const schema = route[location];
        if (schema) problems.push(...unboundedParts(schema, `${route.method.toUpperCase()} ${route.path} ${location}`));
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it('would find each kind of unbounded part (the walker is not blind)', () => {
    const bad = Type.Object({
      name: Type.String(),
      tags: Type.Array(Type.String({ maxLength: 5 })),
      nested: Type.Object({ ok: Type.Boolean() }),
      either: Type.Union([Type.String(), Type.Null()]),
      free: Type.Record(Type.String(), Type.Unknown()),
      list: Type.Array(Type.Object({ deep: Type.String() }, { additionalProperties: false }), { maxItems: 2 }),
    });
    expect(unboundedParts(bad, 'x')).to.have.members([
      'x: object without additionalProperties: false',
      'x.name: string without maxLength',
      'x.tags: array without maxItems',
      'x.nested: object without additionalProperties: false',
      'x.either: string without maxLength',
      'x.free: record without maxProperties',
      'x.free: record keys without maxLength',
      `x.free.*: free-form value without ${MAX_BYTES_KEYWORD}`,
      'x.list[].deep: string without maxLength',
    ]);
    const good = Type.Object(
      {
        kind: Type.Enum(['a', 'b']),
        n: Type.Literal(1),
        free: Type.Record(Type.String(), Type.Unknown(), { maxProperties: 5, propertyNames: { maxLength: 10 }, [MAX_BYTES_KEYWORD]: 100 }),
      },
      { additionalProperties: false },
    );
    expect(unboundedParts(good, 'y')).to.deep.equal([]);
  });

  it(`bounds free-form values by their size as JSON (${MAX_BYTES_KEYWORD})`, () => {
    const validate = compileValidator(UpdateProfileBody, 'body');
    expect(validate({ preferences: { theme: 'dark' } })).to.deep.equal([]);
    expect(validate({ preferences: { blob: 'x'.repeat(20_000) } })).to.deep.equal([
      { path: 'preferences', message: 'must NOT be larger than 16384 bytes as JSON', location: 'body' },
    ]);
    expect(validate({ preferences: { ['k'.repeat(65)]: 1 } })[0]?.path).to.equal('preferences');
  });
});

describe('The text rule: no control characters, well-formed Unicode', () => {
  it('accepts tab, line feed, carriage return and any printable text, emoji included', () => {
    expect(textRuleViolations({ a: 'line one\n\tline two\r\n', b: ['Grüße 😀 你好', 'plain'], c: 42, d: null })).to.deep.equal([]);
  });

  it('names every string with NUL, another C0 or C1 control, or DEL', () => {
    const bad = ['nul\u0000', 'esc\u001b[31m', 'bell\u0007', 'form\u000c', 'del\u007f', 'csi\u009b', 'nel\u0085'];
    expect(textRuleViolations({ list: bad }).map((v) => v.path)).to.deep.equal(bad.map((_, i) => `list.${i}`));
    expect(textRuleViolations({ list: bad })[0]?.message).to.equal(CONTROL_CHARACTER_MESSAGE);
  });

  it('rejects an unpaired surrogate, and a bad key without echoing it', () => {
    expect(textRuleViolations({ a: 'x\ud800y' })).to.deep.equal([{ path: 'a', message: MALFORMED_TEXT_MESSAGE }]);
    expect(textRuleViolations({ a: '\udc00' })).to.have.length(1);
    const [violation] = textRuleViolations({ prefs: { 'bad\u0000key': 1 } });
    expect(violation?.path).to.equal('prefs.bad\ufffdkey');
    expect(violation?.message).to.equal(`key ${CONTROL_CHARACTER_MESSAGE}`);
  });

  it('applies to query and path values as well as bodies, beside the schema errors', () => {
    const validate = compileValidator(Type.Object({ q: Type.String({ maxLength: 5 }) }, { additionalProperties: false }), 'query');
    expect(validate({ q: 'ab\u0000' })).to.deep.equal([{ path: 'q', message: CONTROL_CHARACTER_MESSAGE, location: 'query' }]);
    expect(validate({ q: 'toolong\u0001' }).map((f) => f.path)).to.deep.equal(['q', 'q']);
  });

  describe('over HTTP', () => {
    let app: RunningApp;
    before(async () => {
      app = await startApp();
    });
    after(() => app.close());

    it('answers 422 VALIDATION_ERROR naming the field, and stores nothing', async () => {
      const token = devToken();
      const res = await app.json<{ error: { details: { fields: unknown[] } } }>('/v1/chat/completions', {
        method: 'POST',
        headers: { ...bearer(token), 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'hello\u0000world', stream: false }),
      });
      const error = expectErrorEnvelope(res, 422, 'VALIDATION_ERROR');
      expect(error.details).to.deep.equal({ fields: [{ path: 'message', message: CONTROL_CHARACTER_MESSAGE, location: 'body' }] });
      const list = await app.json<{ data: { items: unknown[] } }>('/v1/conversations', { headers: bearer(token) });
      expect(list.body.data.items).to.deep.equal([]);
    });

    it('rejects an unpaired surrogate sent as a JSON escape, in an OpenAI-form message', async () => {
      const res = await app.json('/v1/chat/completions', {
        method: 'POST',
        headers: { ...bearer(devToken()), 'Content-Type': 'application/json' },
        body: '{"messages":[{"role":"user","content":"broken \\ud800 text"}],"stream":false}',
      });
      const error = expectErrorEnvelope(res, 422, 'VALIDATION_ERROR');
      expect(error.details).to.deep.equal({ fields: [{ path: 'messages.0.content', message: MALFORMED_TEXT_MESSAGE, location: 'body' }] });
    });

    it('bounds conversation settings by size and key length', async () => {
      const token = devToken();
      const created = await app.json<{ data: { id: string } }>('/v1/conversations', {
        method: 'POST',
        headers: { ...bearer(token), 'Content-Type': 'application/json' },
        body: '{}',
      });
      const patch = (settings: unknown) =>
        app.json(`/v1/conversations/${created.body.data.id}`, {
          method: 'PATCH',
          headers: { ...bearer(token), 'Content-Type': 'application/json' },
          body: JSON.stringify({ settings }),
        });
      expect((await patch({ temperature: 0.5 })).status).to.equal(200);
      expectErrorEnvelope(await patch({ notes: 'x'.repeat(17 * 1024) }), 422, 'VALIDATION_ERROR');
      expectErrorEnvelope(await patch({ ['k'.repeat(101)]: true }), 422, 'VALIDATION_ERROR');
    });
  });
});
