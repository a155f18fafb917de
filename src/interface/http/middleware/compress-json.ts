import type { Middleware } from 'koa';
import { pipeline, Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/** Below this a compressed body saves less than the headers and CPU it costs. */
export const COMPRESSION_MIN_BYTES = 1024;

const JSON_TYPE = /^application\/([\w.-]+\+)?json\b/i;

// Brotli's default quality (11) is meant for static assets: far too slow per response.
const BROTLI_QUALITY = 4;
const GZIP_LEVEL = 6;

type Encoding = 'br' | 'gzip';

function brotliParams(size?: number): zlib.BrotliOptions {
  return {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      ...(size === undefined ? {} : { [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size }),
    },
  };
}

/**
 * br when the client rates it at least as high as gzip (browsers send `gzip, deflate, br` and mean
 * no order by it), else gzip, else nothing. No header means identity.
 */
export function chooseEncoding(header: string): Encoding | undefined {
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const weight = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    q.set(name, weight === undefined ? 1 : Number(weight) || 0);
  }
  const of = (name: Encoding) => q.get(name) ?? q.get('*') ?? 0;
  if (of('br') > 0 && of('br') >= of('gzip')) return 'br';
  return of('gzip') > 0 ? 'gzip' : undefined;
}

function compressStream(source: Readable, encoding: Encoding): Readable {
  const target = encoding === 'br' ? zlib.createBrotliCompress(brotliParams()) : zlib.createGzip({ level: GZIP_LEVEL });
  // pipeline destroys the target when the source fails, so Koa sees the error on the body it sends.
  pipeline(source, target, () => undefined);
  return target;
}

/**
 * Compresses JSON responses (br or gzip, as `Accept-Encoding` allows) when
 * the body is at least `minBytes`, and marks every JSON response `Vary: Accept-Encoding`.
 *
 * Nothing else is touched. Above all not an SSE stream: a compressor buffers until its block is
 * full, which would hold back tokens; streams write to the raw response (`ctx.respond = false`) and
 * are skipped, and so is any `text/event-stream` body. HTML, scripts and metrics stay as they are.
 */
export function compressJson(minBytes: number = COMPRESSION_MIN_BYTES): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.respond === false || ctx.res.headersSent || ctx.body === null || ctx.body === undefined) return;
    if (!JSON_TYPE.test(ctx.response.get('Content-Type'))) return;
    ctx.vary('Accept-Encoding');
    if (ctx.method === 'HEAD' || ctx.response.get('Content-Encoding') || ctx.status === 204 || ctx.status === 304) return;
    const encoding = chooseEncoding(ctx.get('Accept-Encoding'));
    if (!encoding) return;

    const body: unknown = ctx.body;
    if (body instanceof Readable) {
      ctx.body = compressStream(body, encoding);
      ctx.remove('Content-Length');
      ctx.set('Content-Encoding', encoding);
      return;
    }
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    if (raw.length < minBytes) return;
    ctx.body = encoding === 'br' ? await brotli(raw, brotliParams(raw.length)) : await gzip(raw, { level: GZIP_LEVEL });
    ctx.set('Content-Encoding', encoding);
  };
}
