import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Context } from 'koa';
import { AppError } from '../../../domain/errors/app-error';

export interface SpooledBody {
  file: string;
  bytes: number;
  /** Removes the file; safe to call more than once. */
  dispose(): Promise<void>;
}

function tooLarge(limitBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The file is larger than the import limit of ${limitBytes} bytes`, {
    details: { limit_bytes: limitBytes },
  });
}

/**
 * Copies the request body to a private temporary file, chunk by chunk (memory stays flat), so it
 * can be read twice: once to check it, once to import it. A body over `limitBytes` is refused as
 * soon as it says so (Content-Length) or as soon as it grows past it.
 */
export async function spoolBody(ctx: Context, limitBytes: number): Promise<SpooledBody> {
  const declared = Number(ctx.get('Content-Length') || NaN);
  if (declared > limitBytes) throw tooLarge(limitBytes);
  const dir = await mkdtemp(path.join(tmpdir(), 'import-'));
  const file = path.join(dir, 'body.json');
  const dispose = () => rm(dir, { recursive: true, force: true });
  let bytes = 0;
  try {
    const out = createWriteStream(file, { mode: 0o600 });
    const finished = new Promise<void>((resolve, reject) => {
      out.once('finish', resolve);
      out.once('error', reject);
    });
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > limitBytes) {
        out.destroy();
        throw tooLarge(limitBytes);
      }
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    out.end();
    await finished;
  } catch (err) {
    await dispose();
    if (err instanceof AppError) throw err;
    throw new AppError('BAD_REQUEST', 'The request body could not be read to the end', { cause: err });
  }
  return { file, bytes, dispose };
}
