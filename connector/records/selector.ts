import { systemError } from '../protocol/errors';
import { Micros, parseTimestamp } from '../state/timestamp';
import type { StreamDefinition } from '../streams/definitions';

/** One record as read from a page: its identity and cursor, and the record itself, untouched. */
export interface Row {
  id: string;
  /** Epoch microseconds of the cursor field; absent for streams without a cursor. */
  cursor?: Micros;
  record: Record<string, unknown>;
}

export interface Page {
  rows: Row[];
  /** Matching records when the page was served, if the API said. */
  total?: number;
  /** The page size the API says it applied (`limit`), when it is a positive integer: it may be below what was asked. */
  limit?: number;
}

/**
 * The record selector: takes the records out of a response body and checks
 * what the read relies on (an array under `data`, an `id` on every record, a
 * readable cursor). Anything else is a malformed response: a system_error
 * naming the stream and the request, never a silent skip.
 */
export function selectPage(def: StreamDefinition, body: unknown, request: string): Page {
  const fail = (what: string) =>
    systemError(`Stream ${def.name}: the API answered ${request} with a malformed response: ${what}.`);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw fail('the body is not a JSON object');
  const data = (body as Record<string, unknown>)[def.recordSelector];
  if (data === undefined) throw fail(`it has no "${def.recordSelector}" field`);
  if (!Array.isArray(data)) throw fail(`"${def.recordSelector}" is not an array`);

  const rows: Row[] = new Array(data.length);
  const cursorField = def.cursor?.field;
  for (let i = 0; i < data.length; i++) {
    const record = data[i];
    if (!record || typeof record !== 'object' || Array.isArray(record)) throw fail(`record ${i} is not an object`);
    const rawId = (record as Record<string, unknown>).id;
    if ((typeof rawId !== 'string' || rawId === '') && typeof rawId !== 'number') {
      throw fail(`record ${i} has no "id"`);
    }
    const row: Row = { id: String(rawId), record: record as Record<string, unknown> };
    if (cursorField) {
      const value = (record as Record<string, unknown>)[cursorField];
      const cursor = parseTimestamp(value);
      if (cursor === undefined) {
        throw fail(`record ${JSON.stringify(row.id)} has ${cursorField}=${JSON.stringify(value)}, which is not an RFC 3339 timestamp`);
      }
      row.cursor = cursor;
    }
    rows[i] = row;
  }
  const { total, limit } = body as Record<string, unknown>;
  return {
    rows,
    total: typeof total === 'number' && Number.isInteger(total) && total >= 0 ? total : undefined,
    limit: typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 ? limit : undefined,
  };
}
