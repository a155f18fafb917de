import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { JSONParser } from '@streamparser/json';
import { malformed } from '../../../application/import/shape';
import type { ImportFile } from '../../../application/import/import-conversations.use-case';
import { textRuleViolations } from '../routing/text-rule';

const CHUNK_BYTES = 64 * 1024;

/** The first character that is not white space (nor a byte order mark). */
async function firstCharacter(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart()[0];
  } finally {
    await handle.close();
  }
}

/**
 * An uploaded file as the import reads it: the top-level array's elements (or those of the
 * gateway export's `conversations`), parsed as a stream with @streamparser/json — one element in
 * memory at a time, never the whole document. Each element is also held to the API's text rule
 * (no control characters, well-formed Unicode), so what is imported is what any request may store.
 */
export async function openImportFile(file: string): Promise<ImportFile> {
  const first = await firstCharacter(file);
  if (first !== '[' && first !== '{') {
    throw malformed(
      '(root)',
      first === undefined ? 'the file is empty' : 'must be a JSON array of conversations or a gateway export object',
    );
  }
  const shape = first === '[' ? 'array' : 'object';
  return { shape, elements: () => elements(file, shape) };
}

async function* elements(file: string, shape: 'array' | 'object'): AsyncGenerator<{ value: unknown; path: string }> {
  const prefix = shape === 'array' ? '' : 'conversations.';
  const parser = new JSONParser({ paths: shape === 'array' ? ['$.*'] : ['$.export', '$.conversations.*'], keepStack: false });
  const ready: { value: unknown; path: string }[] = [];
  let count = 0;
  let sawExport = false;
  let failure: Error | undefined;
  parser.onValue = ({ value, stack }) => {
    // `$.export` is one level deep; the conversations are two.
    if (shape === 'object' && stack.length === 1) {
      sawExport = true;
      return;
    }
    ready.push({ value, path: `${prefix}${count}` });
    count += 1;
  };
  parser.onError = (err) => (failure ??= err);
  const syntax = () => malformed(`${prefix}${count}`, `is not valid JSON (${failure!.message.replace(/ in state \w+$/, '')})`);
  const drain = function* () {
    while (ready.length > 0) {
      const element = ready.shift()!;
      const bad = textRuleViolations(element.value, element.path)[0];
      if (bad) throw malformed(bad.path, bad.message);
      yield element;
    }
  };
  let bom = true;
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    const data = bom && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk;
    bom = false;
    if (!failure) parser.write(data);
    yield* drain();
    if (failure) throw syntax();
  }
  if (!parser.isEnded) parser.end();
  yield* drain();
  if (failure) throw syntax();
  if (shape === 'object' && !sawExport) throw malformed('export', "is missing: an object is read as the gateway's JSON export");
}
