/**
 * Pure functions that decide how long to wait before the next attempt.
 */

/**
 * Milliseconds to wait according to a Retry-After header, in either of its
 * forms (RFC 9110): delta-seconds ("2") or an HTTP-date
 * ("Wed, 21 Oct 2026 07:28:00 GMT"). Undefined when absent or unreadable.
 * A date in the past means "now" (0).
 */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (header == null) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(parseFloat(value) * 1000);
  if (!/[a-z]/i.test(value)) return undefined; // an HTTP-date names its month
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
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

/** How long a response asks the client to wait: Retry-After, else X-RateLimit-Reset; undefined when neither says. */
export function waitAskedMs(headers: { get(name: string): string | null }, now: number = Date.now()): number | undefined {
  return retryAfterMs(headers.get('retry-after'), now) ?? resetMs(headers.get('x-ratelimit-reset'));
}
