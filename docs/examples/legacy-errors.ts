// Reading errors of both gateways while a client moves over: the old `{error, code, details}` and the envelope.

export interface ErrorInfo {
  code: string;
  message: string;
  details: Record<string, unknown> | undefined;
  /** Only the new gateway gives one: quote it when reporting a problem. */
  requestId: string | undefined;
}

type OldError = { error: string; code: string; details?: Record<string, unknown> };
type NewError = { success: false; error: { message: string; code: string; details?: Record<string, unknown>; request_id: string } };

export function readError(body: OldError | NewError): ErrorInfo {
  if (typeof body.error === 'string') {
    const old = body as OldError;
    return { code: old.code, message: old.error, details: old.details, requestId: undefined };
  }
  const { error } = body as NewError;
  return { code: error.code, message: error.message, details: error.details, requestId: error.request_id };
}
