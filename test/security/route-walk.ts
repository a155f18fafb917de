import { allRoutes } from '../../src/interface/http/routes/all-routes';
import { debugRoutes } from '../../src/interface/http/routes/debug.routes';
import type { RouteSpec } from '../../src/interface/http/routing/route-spec';
import { DOCUMENTATION_ONLY } from '../../src/interface/http/routing/route-deps';

export const SOME_ID = '44444444-4444-4444-8444-444444444444';

/** Names of inherited properties of a plain object, as a lookup `obj[name]` or `name in obj` would find them. */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
];

/** Every operation the app serves in development with the request journal on. */
export function everyRoute(): RouteSpec[] {
  return [...allRoutes(), ...debugRoutes(DOCUMENTATION_ONLY)];
}

export function label(spec: RouteSpec): string {
  return `${spec.method.toUpperCase()} ${spec.path}`;
}

/** A concrete URL for a route template: every `{param}` becomes `value` (a UUID by default). */
export function concretePath(spec: RouteSpec, value: (name: string) => string = () => SOME_ID): string {
  return spec.path.replace(/\{([^}]+)\}/g, (_m, name: string) => value(name));
}

/** The route's method, with a JSON body (`{}` unless given) where the route takes one. */
export function requestFor(spec: RouteSpec, headers: Record<string, string> = {}, body = '{}'): RequestInit {
  const init: RequestInit = { method: spec.method.toUpperCase(), headers: { ...headers } };
  if (spec.body || spec.method !== 'get') {
    init.body = body;
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  return init;
}

/**
 * Other spellings of a path that a lenient router would serve as the same operation: `/V1`, upper
 * case, capitalised segments, a trailing slash, a doubled slash.
 */
export function spellingVariants(path: string): string[] {
  const out = new Set<string>();
  if (path.startsWith('/v1/')) out.add(`/V1/${path.slice(4)}`);
  out.add(path.toUpperCase());
  out.add(path.replace(/\/([a-z])/g, (_m, c: string) => `/${c.toUpperCase()}`));
  if (path !== '/') {
    out.add(`${path}/`);
    out.add(path.replace(/^\/([^/]+)\//, '/$1//'));
  }
  out.delete(path);
  return [...out];
}
