import { stringifyJson } from '../json/exact-json';
import { isJsonNumber, isJsonObject, isRawNumber, safeIntegerOf } from '../json/numbers';
import { systemError } from '../protocol/errors';
import { Micros, parseTimestamp } from '../state/timestamp';
import type { StreamDefinition } from '../streams/definitions';

/** One record as read from a page: its identity and cursor, and the record itself, as parsed. */
export interface Row {
  /** The id as a string; a numeric id is its lexeme as the API wrote it when a double cannot hold it. */
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
 * readable cursor, a `total` that is a count). Anything else is a malformed
 * response: a system_error naming the stream and the request, never a silent
 * skip. A number a double cannot hold (a RawNumber) is read exactly: a numeric
 * id keeps its lexeme, and a `total` that is not a safe integer is malformed
 * rather than rounded.
 */
export function selectPage(def: StreamDefinition, body: unknown, request: string): Page {
  const fail = (what: string) =>
    systemError(`Stream ${def.name}: the API answered ${request} with a malformed response: ${what}.`);
  if (!isJsonObject(body)) throw fail('the body is not a JSON object');
  const data = body[def.recordSelector];
  if (data === undefined) throw fail(`it has no "${def.recordSelector}" field`);
  if (!Array.isArray(data)) throw fail(`"${def.recordSelector}" is not an array`);

  const rows: Row[] = new Array(data.length);
  const cursorField = def.cursor?.field;
  for (let i = 0; i < data.length; i++) {
    const record = data[i];
    if (!isJsonObject(record)) throw fail(`record ${i} is not an object`);
    const rawId = record.id;
    if ((typeof rawId !== 'string' || rawId === '') && typeof rawId !== 'number' && !isRawNumber(rawId)) {
      throw fail(`record ${i} has no "id"`);
    }
    const row: Row = { id: String(rawId), record };
    if (cursorField) {
      const value = record[cursorField];
      const cursor = parseTimestamp(value);
      if (cursor === undefined) {
        throw fail(`record ${JSON.stringify(row.id)} has ${cursorField}=${stringifyJson(value)}, which is not an RFC 3339 timestamp`);
      }
      row.cursor = cursor;
    }
    rows[i] = row;
  }
  return { rows, total: countOf(body.total, fail), limit: pageSizeOf(body.limit) };
}

/** `limit` as the page size the API applied: a whole number of at least 1, else unknown (it is only a hint to paging). */
function pageSizeOf(limit: unknown): number | undefined {
  const size = isJsonNumber(limit) ? safeIntegerOf(limit) : undefined;
  return size !== undefined && size >= 1 ? size : undefined;
}

/**
 * `total` as a count: absent (or null) says nothing; a whole number from 0 to
 * Number.MAX_SAFE_INTEGER is the count, read exactly whatever its spelling
 * (1e3 is 1000); any other value is malformed, since paging and the estimate
 * would run on a rounded or meaningless count.
 */
function countOf(total: unknown, fail: (what: string) => Error): number | undefined {
  if (total === undefined || total === null) return undefined;
  const count = isJsonNumber(total) ? safeIntegerOf(total) : undefined;
  if (count === undefined || count < 0) {
    throw fail(`"total" is ${stringifyJson(total).slice(0, 60)}, not a count of records (a whole number from 0 to ${Number.MAX_SAFE_INTEGER})`);
  }
  return count;
}
