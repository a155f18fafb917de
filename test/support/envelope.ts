import { expect } from 'chai';

export interface ErrorResponseBody {
  success: false;
  error: { message: string; code: string; details?: Record<string, unknown>; request_id: string };
}

/** Asserts the error envelope (docs/architecture.md, Errors) with the given status and code, and returns its `error`. */
export function expectErrorEnvelope(
  res: { status: number; headers: Headers; body: unknown },
  status: number,
  code: string,
): ErrorResponseBody['error'] {
  const body = res.body as ErrorResponseBody;
  expect(res.status, JSON.stringify(body)).to.equal(status);
  expect(res.headers.get('content-type')).to.match(/^application\/json/);
  expect(body).to.have.all.keys('success', 'error');
  expect(body.success).to.equal(false);
  expect(body.error.code).to.equal(code);
  expect(body.error.message).to.be.a('string').and.not.equal('');
  expect(Object.keys(body.error)).to.satisfy((keys: string[]) =>
    keys.every((k) => ['message', 'code', 'details', 'request_id'].includes(k)),
  );
  const requestId = res.headers.get('x-request-id');
  expect(requestId).to.be.a('string').and.not.equal('');
  expect(body.error.request_id).to.equal(requestId);
  return body.error;
}
