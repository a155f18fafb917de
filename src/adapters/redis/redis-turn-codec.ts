import type { LoggedEvent, TurnLogEvent } from '../../ports/stream-log.port';

/**
 * One stream entry holds the events appended together (a burst of deltas): field = seq, value = the
 * event. A delta is `d<text>` (no JSON on the hot path), anything else `j<JSON>`. Fields that are
 * not a number (the claim fence) carry no event.
 */
export function encodeEvent(event: TurnLogEvent): string {
  return event.type === 'delta' ? `d${event.content}` : `j${JSON.stringify(event)}`;
}

export function entryFields(events: LoggedEvent[]): string[] {
  const fields: string[] = [];
  for (const e of events) fields.push(String(e.seq), encodeEvent(e.event));
  return fields;
}

export function decodeEntry(fields: string[]): LoggedEvent[] {
  const events: LoggedEvent[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const seq = Number(fields[i]);
    const value = fields[i + 1] as string;
    if (!Number.isInteger(seq)) continue;
    if (value.startsWith('d')) events.push({ seq, event: { type: 'delta', content: value.slice(1) } });
    else if (value.startsWith('j')) events.push({ seq, event: JSON.parse(value.slice(1)) as TurnLogEvent });
  }
  return events;
}
