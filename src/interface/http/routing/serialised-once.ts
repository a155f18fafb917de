import { successEnvelope } from '../envelope';
import { raw, type RouteReply } from './route-spec';

const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };

/**
 * A 200 whose JSON is serialised once per source object, for answers derived from an immutable
 * value that many requests read (the model catalogue's lists): the next request with the same
 * source sends the very same bytes. One memo per route, since routes shape one source
 * differently; the memo holds its entries weakly, so a replaced source takes its bytes with it.
 */
export function serialisedOnce<S extends object>(shape: (source: S) => unknown, options: { envelope: boolean }): (source: S) => RouteReply {
  const bodies = new WeakMap<S, Buffer>();
  return (source) => {
    let body = bodies.get(source);
    if (!body) {
      const data = shape(source);
      body = Buffer.from(JSON.stringify(options.envelope ? successEnvelope(data) : data));
      bodies.set(source, body);
    }
    return raw(body, 200, JSON_TYPE);
  };
}
