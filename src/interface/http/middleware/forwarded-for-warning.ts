import type { Middleware } from 'koa';
import type { RuntimeWarnings } from '../../../application/service/runtime-warnings';
import type { Config } from '../../../config/config';
import type { Clock } from '../../../ports/clock.port';
import type { Logger } from '../../../ports/logger.port';

export const IGNORED_FORWARDED_FOR = 'ignored_x_forwarded_for';

/**
 * In production, a request carrying `X-Forwarded-For` while TRUST_PROXY is off means the service
 * runs behind a proxy it does not trust: every client then has the proxy's address, so anonymous
 * callers share one per-IP limit and logs show one IP. Said once in the log and on `/health`.
 */
export function warnOnIgnoredForwardedFor(config: Config, warnings: RuntimeWarnings, logger: Logger, clock: Clock): Middleware {
  if (!config.isProduction || config.trustProxy) return (_ctx, next) => next();
  let seen = false;
  return (ctx, next) => {
    if (!seen && ctx.get('X-Forwarded-For')) {
      seen = true;
      const message =
        'X-Forwarded-For arrives but TRUST_PROXY is off: every client appears with the proxy address, so anonymous callers share one rate limit. ' +
        'Set TRUST_PROXY=true behind Railway or another load balancer (and only there).';
      if (warnings.add(IGNORED_FORWARDED_FOR, message, clock.nowMs()))
        logger.warn({ warning: IGNORED_FORWARDED_FOR, peer: ctx.ip }, message);
    }
    return next();
  };
}
