/** Query-parameter validation for list requests (everything the contract answers with 400). */
import { TimeFilter } from './store';
import { parseTimestamp } from './time';

export interface ListParams {
  offset: number;
  limit: number;
  filter: TimeFilter;
}

export type ParamsResult = { ok: true; params: ListParams } | { ok: false; message: string };

const DIGITS = /^\d+$/;
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 100;

function single(query: URLSearchParams, name: string): string | undefined | { error: string } {
  const values = query.getAll(name);
  if (values.length > 1) return { error: `${name} is given more than once` };
  return values[0];
}

/** Parses offset, limit, updated_since and updated_before; `incremental` says whether time filters are allowed. */
export function parseListParams(query: URLSearchParams, incremental: boolean): ParamsResult {
  const fail = (message: string): ParamsResult => ({ ok: false, message });
  const raw: Record<string, string | undefined> = {};
  for (const name of ['offset', 'limit', 'updated_since', 'updated_before']) {
    const value = single(query, name);
    if (typeof value === 'object') return fail(value.error);
    raw[name] = value;
  }

  let offset = 0;
  if (raw.offset !== undefined) {
    if (!DIGITS.test(raw.offset)) return fail('offset must be an integer >= 0');
    offset = Number(raw.offset);
    if (!Number.isSafeInteger(offset)) return fail('offset is too large');
  }

  let limit = DEFAULT_LIMIT;
  if (raw.limit !== undefined) {
    if (!DIGITS.test(raw.limit)) return fail(`limit must be an integer from 1 to ${MAX_LIMIT}`);
    limit = Number(raw.limit);
    if (limit < 1 || limit > MAX_LIMIT) return fail(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }

  const filter: TimeFilter = {};
  for (const [name, key] of [
    ['updated_since', 'since'],
    ['updated_before', 'before'],
  ] as const) {
    const value = raw[name];
    if (value === undefined) continue;
    if (!incremental) return fail(`this resource takes no ${name} filter`);
    const micros = parseTimestamp(value);
    if (micros === null) return fail(`${name} must be an RFC 3339 timestamp`);
    filter[key] = micros;
  }
  return { ok: true, params: { offset, limit, filter } };
}
