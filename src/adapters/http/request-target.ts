import type http from 'node:http';

/**
 * Where a request goes, as `http.request` options. A URL whose path and query hold only characters
 * that `new URL` would leave as they are (and no dot segment to resolve) is split by hand: parsing
 * it costs more than the rest of preparing the call. Anything else is parsed, so it is sent exactly
 * as before.
 */
const PLAIN_TARGET = /^(https?):\/\/([A-Za-z0-9.-]+)(?::(\d{1,5}))?(\/[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*)?$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?]|$)/;

export interface Target {
  secure: boolean;
  options: http.RequestOptions;
}

export function requestTarget(full: string): Target {
  const m = PLAIN_TARGET.exec(full);
  if (m && !DOT_SEGMENT.test(m[4] ?? '') && !/%(?![0-9A-Fa-f]{2})/.test(m[4] ?? '')) {
    const secure = m[1] === 'https';
    return {
      secure,
      options: { protocol: `${m[1]}:`, hostname: (m[2] as string).toLowerCase(), port: m[3] ? Number(m[3]) : undefined, path: m[4] ?? '/' },
    };
  }
  const url = new URL(full);
  const secure = url.protocol === 'https:';
  return {
    secure,
    options: {
      protocol: url.protocol,
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: `${url.pathname}${url.search}`,
      ...(url.username || url.password ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
    },
  };
}
