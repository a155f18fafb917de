import axios, { AxiosError, CanceledError, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import http from 'node:http';
import https from 'node:https';
import { pipeline, Transform, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { requestTarget } from './request-target';

/**
 * One upstream call straight on `node:http` with the client's keep-alive agents, taking an axios
 * request config and answering an axios-shaped response or AxiosError: the adapters keep axios'
 * types and error codes, and the call skips axios' per-call pipeline (config merging, header
 * objects, proxy lookup, redirects), which cost about three times the exchange itself
 * (docs/adr/0009-upstream-transport.md). Only the options the adapters use are understood;
 * `isDirectConfig` says whether a config is one of them, anything else goes through axios.
 *
 * Behaves as axios does for them: `baseURL` + `url` + `params` (same encoding), JSON bodies
 * (`Content-Type: application/json`), axios' default `Accept`, `Accept-Encoding` and `User-Agent`,
 * transparent gzip/deflate/br decoding, `timeout` (wall clock, to the end of a buffered body or
 * the headers of a stream), `signal` (CanceledError; a streamed body is destroyed with it),
 * `maxContentLength`/`maxBodyLength`, JSON answers parsed when they parse, every status returned
 * as a response (the caller decides what a status means).
 */
export interface DirectAgents {
  http: http.Agent;
  https: https.Agent;
}

type Params = Record<string, string | number | boolean | null | undefined> | URLSearchParams;

/** The config keys the direct path understands (besides UpstreamRequest's own). */
const DIRECT_KEYS = new Set([
  'method',
  'url',
  'params',
  'data',
  'headers',
  'responseType',
  'timeout',
  'signal',
  'maxContentLength',
  'maxBodyLength',
]);
const RESPONSE_TYPES = new Set([undefined, 'json', 'text', 'stream']);
const ABSOLUTE = /^([a-z][a-z\d+\-.]*:)?\/\//i;
const USER_AGENT = `axios/${axios.VERSION}`;
/** The headers axios gives a default, as bits of what a call set itself. */
const CONTENT_TYPE = 1;
const ACCEPT = 2;
const USER_AGENT_SET = 4;
const ACCEPT_ENCODING = 8;
const DEFAULTED = new Map([
  ['content-type', CONTENT_TYPE],
  ['accept', ACCEPT],
  ['user-agent', USER_AGENT_SET],
  ['accept-encoding', ACCEPT_ENCODING],
]);

function isPlainValue(v: unknown): boolean {
  return v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** True when `config` uses only what the direct path does exactly as axios would. */
export function isDirectConfig(config: AxiosRequestConfig): boolean {
  for (const key of Object.keys(config)) if (!DIRECT_KEYS.has(key)) return false;
  if (!RESPONSE_TYPES.has(config.responseType)) return false;
  const { data, params, headers } = config;
  if (data !== undefined && data !== null && typeof data !== 'string' && !Buffer.isBuffer(data)) {
    if (typeof data !== 'object' || typeof (data as { pipe?: unknown }).pipe === 'function') return false;
  }
  if (params !== undefined && !(params instanceof URLSearchParams)) {
    if (typeof params !== 'object' || params === null || !Object.values(params as object).every(isPlainValue)) return false;
  }
  if (headers !== undefined && (typeof headers !== 'object' || !Object.values(headers as object).every(isPlainValue))) return false;
  return true;
}

/** axios' buildURL encoding for flat params (`:`, `$`, `,` kept, spaces as `+`, nulls left out). */
function encode(value: string): string {
  const encoded = encodeURIComponent(value);
  // Most values (ids, `eq.<uuid>`, `*`) need no escape at all: four regex passes for nothing otherwise.
  if (!encoded.includes('%')) return encoded;
  return encoded.replace(/%3A/gi, ':').replace(/%24/g, '$').replace(/%2C/gi, ',').replace(/%20/g, '+');
}

export function directUrl(baseURL: string | undefined, url = '', params?: Params): string {
  let full = baseURL && !ABSOLUTE.test(url) ? (url ? `${baseURL.replace(/\/?\/$/, '')}/${url.replace(/^\/+/, '')}` : baseURL) : url;
  if (!params) return full;
  let query: string;
  if (params instanceof URLSearchParams) query = params.toString();
  else {
    const pairs: string[] = [];
    for (const [key, value] of Object.entries(params)) {
      if (value === null || value === undefined) continue;
      pairs.push(`${encode(key)}=${encode(String(value))}`);
    }
    query = pairs.join('&');
  }
  if (!query) return full;
  const hash = full.indexOf('#');
  if (hash !== -1) full = full.slice(0, hash);
  return `${full}${full.includes('?') ? '&' : '?'}${query}`;
}

function decoder(encoding: string | undefined): Transform | undefined {
  switch ((encoding ?? '').toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
    case 'compress':
    case 'x-compress':
    case 'deflate':
      return zlib.createUnzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'br':
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      });
    default:
      return undefined;
  }
}

function limitStream(limit: number, config: AxiosRequestConfig): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit) done(new AxiosError(`maxContentLength size of ${limit} exceeded`, AxiosError.ERR_BAD_RESPONSE, config as never));
      else done(null, chunk);
    },
  });
}

function parseBody(text: string, responseType: AxiosRequestConfig['responseType']): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (responseType === 'text' || !body) return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

export function directRequest<T>(agents: DirectAgents, baseURL: string, config: AxiosRequestConfig): Promise<AxiosResponse<T>> {
  return new Promise<AxiosResponse<T>>((resolve, reject) => {
    if ((config.signal as AbortSignal | undefined)?.aborted) {
      // No call at all for a call cancelled before it started.
      reject(new CanceledError(undefined, config as never));
      return;
    }
    const { secure, options } = requestTarget(directUrl(baseURL, config.url, config.params as Params | undefined));
    const headers: Record<string, string> = {};
    // One pass: the values as strings, and which of the headers given defaults are set already.
    let given = 0;
    const source = (config.headers ?? {}) as Record<string, unknown>;
    for (const name in source) {
      const value = source[name];
      if (value === undefined || value === null) continue;
      headers[name] = String(value);
      given |= DEFAULTED.get(name.toLowerCase()) ?? 0;
    }
    let body: Buffer | undefined;
    const data = config.data as unknown;
    if (typeof data === 'string') body = Buffer.from(data);
    else if (Buffer.isBuffer(data)) body = data;
    else if (data !== undefined && data !== null) {
      body = Buffer.from(JSON.stringify(data));
      if (!(given & CONTENT_TYPE)) headers['Content-Type'] = 'application/json';
    }
    if (!(given & ACCEPT)) headers.Accept = 'application/json, text/plain, */*';
    if (!(given & USER_AGENT_SET)) headers['User-Agent'] = USER_AGENT;
    if (!(given & ACCEPT_ENCODING)) headers['Accept-Encoding'] = 'gzip, compress, deflate, br';
    if (body) headers['Content-Length'] = String(body.length);
    const maxBody = config.maxBodyLength ?? -1;
    if (body && maxBody > -1 && body.length > maxBody) {
      reject(new AxiosError('Request body larger than maxBodyLength limit', AxiosError.ERR_BAD_REQUEST, config as never));
      return;
    }

    options.method = (config.method ?? 'GET').toUpperCase();
    options.headers = headers;
    options.agent = secure ? agents.https : agents.http;
    const req = (secure ? https : http).request(options);
    let settled = false;
    let responseBody: Readable | undefined;
    let timer: NodeJS.Timeout | undefined;
    const signal = config.signal as AbortSignal | undefined;
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(err);
    };
    const succeed = (response: AxiosResponse<T>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(response);
    };
    function onAbort(): void {
      const err = new CanceledError(undefined, config as never, req);
      if (responseBody && !responseBody.destroyed) responseBody.destroy(err);
      req.destroy(err);
      fail(err);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    const timeout = config.timeout ?? 0;
    if (timeout > 0) {
      timer = setTimeout(() => {
        const err = new AxiosError(`timeout of ${timeout}ms exceeded`, AxiosError.ETIMEDOUT, config as never, req);
        fail(err);
        req.destroy(err);
        responseBody?.destroy(err);
      }, timeout);
    }

    req.on('error', (err) => fail(AxiosError.from(err, (err as NodeJS.ErrnoException).code, config as never, req)));
    req.on('response', (res) => {
      const resHeaders = res.headers;
      let stream: Readable = res;
      const decode = decoder(resHeaders['content-encoding']);
      if (decode) {
        delete resHeaders['content-encoding'];
        stream = pipeline(res, decode, () => undefined);
      }
      const maxContent = config.maxContentLength ?? -1;
      const response = {
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        headers: resHeaders,
        config,
        request: req,
      } as unknown as AxiosResponse<T>;
      if (config.responseType === 'stream') {
        if (maxContent > -1) stream = pipeline(stream, limitStream(maxContent, config), () => undefined);
        responseBody = stream;
        stream.once('close', cleanup);
        response.data = stream as T;
        succeed(response);
        return;
      }
      responseBody = stream;
      const parts: Buffer[] = [];
      let size = 0;
      stream.on('data', (part: Buffer) => {
        size += part.length;
        if (maxContent > -1 && size > maxContent) {
          const err = new AxiosError(`maxContentLength size of ${maxContent} exceeded`, AxiosError.ERR_BAD_RESPONSE, config as never, req);
          fail(err);
          stream.destroy();
          return;
        }
        parts.push(part);
      });
      res.on('aborted', () => fail(new AxiosError('stream has been aborted', AxiosError.ERR_BAD_RESPONSE, config as never, req, response)));
      stream.on('error', (err) => fail(AxiosError.from(err, (err as NodeJS.ErrnoException).code, config as never, req, response)));
      stream.on('end', () => {
        const text = (parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)).toString('utf8');
        response.data = parseBody(text, config.responseType) as T;
        cleanup();
        succeed(response);
      });
    });
    req.end(body);
  });
}
