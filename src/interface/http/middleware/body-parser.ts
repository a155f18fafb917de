import type { Middleware } from 'koa';
import { HttpMethodEnum, koaBody } from 'koa-body';

/**
 * JSON bodies only (forms and multipart are never parsed), strict (objects and arrays), with a size
 * limit. Parse failures keep their HTTP status (400 invalid JSON, 413 too large) for the error
 * middleware to translate.
 */
export function jsonBodyParser(limitBytes: number): Middleware {
  return koaBody({
    json: true,
    urlencoded: false,
    text: false,
    multipart: false,
    jsonStrict: true,
    jsonLimit: limitBytes,
    parsedMethods: [HttpMethodEnum.POST, HttpMethodEnum.PUT, HttpMethodEnum.PATCH, HttpMethodEnum.DELETE],
    patchNode: false,
    patchKoa: true,
  }) as unknown as Middleware;
}
