import { AppError } from '../../domain/errors/app-error';

/**
 * The ids of a batch call, lower-cased (UUIDs are case-insensitive upstream). A repeated id is a
 * VALIDATION_ERROR naming every repeat (`ids.3: duplicates ids.0`): doing the work twice, or
 * reporting one id twice, would make the per-id results ambiguous.
 * `pathOf(i)` names element i in the body, e.g. `ids.3` or `items.3.id`.
 */
export function uniqueIds(ids: readonly string[], pathOf: (index: number) => string): string[] {
  const first = new Map<string, number>();
  const fields: { path: string; message: string; location: 'body' }[] = [];
  const normalised = ids.map((id, index) => {
    const key = id.toLowerCase();
    const seen = first.get(key);
    if (seen === undefined) first.set(key, index);
    else fields.push({ path: pathOf(index), message: `duplicates ${pathOf(seen)}`, location: 'body' });
    return key;
  });
  if (fields.length > 0) throw new AppError('VALIDATION_ERROR', 'The request is invalid', { details: { fields } });
  return normalised;
}
