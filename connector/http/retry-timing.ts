/**
 * Pure functions that decide how long to wait before the next attempt.
 */
import { resolve } from './error-table';
import type { HeaderReader } from './types';

/**
 * Milliseconds to wait according to a Retry-After header, in either of its
 * forms (RFC 9110): delta-seconds ("2") or an HTTP-date
 * ("Wed, 21 Oct 2026 07:28:00 GMT"). Undefined when absent or unreadable.
 *
 * An HTTP-date is an instant on the API's clock, which may be skewed from
 * ours: it is read against the answer's own Date header when that is
 * readable (the wait is the date minus Date, counted from when the answer
 * arrived), against `now` otherwise. Date has whole seconds, rounded down, so
 * the wait is never shorter than the one asked for. A date in the past means
 * "now" (0).
 */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now(), dateHeader?: string | null): number | undefined {
  if (header == null) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(parseFloat(value) * 1000);
  if (!/[a-z]/i.test(value)) return undefined; // an HTTP-date names its month
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  const stamped = dateHeader ? Date.parse(dateHeader) : NaN;
  return Math.max(0, at - (Number.isNaN(stamped) ? now : stamped));
}

/**
 * Exponential backoff with jitter: attempt 1 waits about `initialMs`, each
 * further attempt doubles it up to `maxMs`. The wait is drawn from
 * [d/2, d] ("equal jitter") so retries of parallel requests spread out
 * without ever collapsing to zero.
 */
export function backoffMs(attempt: number, initialMs: number, maxMs = 60_000, random: () => number = Math.random): number {
  const d = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return d / 2 + random() * (d / 2);
}

/** Seconds until the API's rate-limit window resets (X-RateLimit-Reset), in ms. */
function resetMs(header: string | null | undefined): number | undefined {
  if (header == null) return undefined;
  const s = Number(header);
  return Number.isFinite(s) && s >= 0 ? Math.ceil(s * 1000) : undefined;
}

/**
 * How long an answer asks the client to wait before its next request, counted
 * from `receivedAt` (when the answer arrived): the Retry-After of any answer
 * the connector retries (429, and the 5xx: RFC 9110 defines it for 503; a
 * gateway may send it with the others), else, on a 429, X-RateLimit-Reset.
 * Undefined when the answer asks for nothing, or is not retried at all.
 */
export function waitAskedMs(answer: { status: number; headers: HeaderReader; receivedAt?: number }, now: number = answer.receivedAt ?? Date.now()): number | undefined {
  const action = resolve(answer.status).action;
  if (action !== 'retry' && action !== 'rate_limited') return undefined;
  const asked = retryAfterMs(answer.headers.get('retry-after'), now, answer.headers.get('date'));
  return asked ?? (action === 'rate_limited' ? resetMs(answer.headers.get('x-ratelimit-reset')) : undefined);
}
