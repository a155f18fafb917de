import { AppError } from '../errors/app-error';

/** Longest search term, in characters (after trimming). */
export const SEARCH_TERM_MAX = 200;

/**
 * Control characters of category Cc but tab and line breaks (U+0000-U+001F, U+007F-U+009F), the
 * same rule the HTTP layer applies to every request string: a NUL cannot even be stored in Postgres
 * text, so no title or message can contain one.
 */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/**
 * A search term as the user typed it, made comparable: Unicode NFC (so `é` typed as one or two
 * code points is the same term), surrounding whitespace trimmed, nothing else changed. Blank,
 * over-long terms and control characters (NUL included) are VALIDATION_ERRORs on `path`:
 * rejected, never silently stripped, so the user learns the term was not searched as sent.
 * Tabs and line breaks are whitespace and are allowed.
 */
export function normalizeSearchTerm(raw: string, path = 'q'): string {
  const term = raw.normalize('NFC').trim();
  let message: string | undefined;
  if (hasControlCharacter(term)) message = 'must not contain control characters (such as NUL)';
  else if (term === '') message = 'must not be blank';
  else if ([...term].length > SEARCH_TERM_MAX) message = `must NOT have more than ${SEARCH_TERM_MAX} characters`;
  if (message)
    throw new AppError('VALIDATION_ERROR', 'The request is invalid', { details: { fields: [{ path, message, location: 'query' }] } });
  return term;
}
