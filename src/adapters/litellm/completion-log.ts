import type { TokenUsage } from '../../domain/chat/chat';
import type { AppError } from '../../domain/errors/app-error';
import type { CompletionRequest } from '../../ports/llm-gateway.port';
import type { Logger } from '../../ports/logger.port';

/**
 * The one log line of a completion: never the key, never the content. At debug when it went well
 * (the request's own line is the one at info; tokens and cost are in the metrics), a warning when
 * the upstream failed.
 */
export class CompletionLog {
  outcome = 'pending';
  status: number | undefined;
  ttftMs: number | undefined;
  usage: TokenUsage | undefined;
  costUsd: number | undefined;
  finishReason: string | undefined;
  completionChars = 0;
  errorCode: string | undefined;
  private level: 'debug' | 'warn' = 'debug';

  constructor(
    private readonly operation: string,
    private readonly request: CompletionRequest,
    private readonly started: number,
  ) {}

  fail(error: AppError, cancelledByCaller: boolean): void {
    this.errorCode = error.code;
    this.outcome = cancelledByCaller ? 'cancelled' : error.code.toLowerCase();
    if (!cancelledByCaller && error.code.startsWith('UPSTREAM_')) this.level = 'warn';
  }

  write(logger: Logger, nowMs: number): void {
    logger[this.level](
      {
        upstream: 'litellm',
        operation: this.operation,
        model: this.request.model,
        outcome: this.outcome,
        status: this.status,
        duration_ms: nowMs - this.started,
        ttft_ms: this.ttftMs,
        prompt_tokens: this.usage?.prompt_tokens,
        completion_tokens: this.usage?.completion_tokens,
        total_tokens: this.usage?.total_tokens,
        cost_usd: this.costUsd,
        finish_reason: this.finishReason,
        completion_chars: this.completionChars,
        error_code: this.errorCode,
        request_id: this.request.requestId,
      },
      'llm completion',
    );
  }
}
