import type { Middleware } from 'koa';
import { HttpMethodEnum, koaBody } from 'koa-body';
import { AppError } from '../../../domain/errors/app-error';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../../support/json-depth';

/**
 * JSON bodies only (forms and multipart are never parsed), strict (objects and arrays), with a size
 * limit and a nesting limit. Parse failures keep their HTTP status (400 invalid JSON, 413 too large) for the error
 * middleware to translate.
 */
export function jsonBodyParser(limitBytes: number): Middleware {
  const parse = koaBody({
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
  // A body nested deeper than any the API defines is refused here, before anything walks it:
  // validators, the redactor and JSON.stringify recurse, and 24 KB of brackets overflow their stack.
  return (ctx, next) =>
    parse(ctx, () => {
      const request = ctx.request as { body?: unknown };
      if (nestsDeeperThan(request.body, MAX_JSON_DEPTH)) {
        // Dropped, so the request log and journal that run after the response never see it either.
        request.body = undefined;
        throw new AppError('VALIDATION_ERROR', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels`, {
          details: { fields: [{ path: '(root)', location: 'body', message: `must not be nested deeper than ${MAX_JSON_DEPTH} levels` }] },
        });
      }
      return next();
    });
}
