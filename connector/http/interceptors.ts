import type { ApiClock } from './api-clock';
import { resolve } from './error-table';
import { RateLimiter } from './rate-limiter';
import { backoffMs, waitAskedMs } from './retry-timing';
import { ApiRequest, Interceptor, NetworkError, sleep } from './types';

/** Every attempt waits for a token; every answer teaches the limiter what the API has left. */
export const rateLimited =
  (limiter: RateLimiter): Interceptor =>
  (next) =>
  async (req) => {
    const sequence = await limiter.acquire(req.signal);
    if (req.signal?.aborted) throw req.signal.reason;
    const res = await next(req);
    limiter.observe(res.headers, sequence);
    if (res.status === 429) {
      const wait = waitAskedMs(res.headers);
      if (wait !== undefined) limiter.pauseUntil(Date.now() + wait);
    }
    return { ...res, sequence };
  };

/** Every answer's Date header teaches the clock where the API's "now" is (see api-clock.ts: it only caps checkpoints). */
export const observingClock =
  (clock: ApiClock): Interceptor =>
  (next) =>
  async (req) => {
    const res = await next(req);
    clock.observe(res.headers.get('date'));
    return res;
  };

export interface RetryPolicy {
  /** Total time one request may spend retrying, from its first attempt (a request may ask for less). */
  maxRetryMs: number;
  /** Backoff of the first retry; doubles each time. */
  initialDelayMs: number;
  /** Ceiling of one backoff delay. */
  maxDelayMs?: number;
  random?: () => number;
}

export interface RetryEvent {
  req: ApiRequest;
  attempt: number;
  /** Why the attempt failed: "HTTP 503" or a network error. */
  reason: string;
  delayMs: number;
  /** Set when the wait is the API's rate limit (429): epoch ms when it lifts. */
  rateLimitedUntil?: number;
}

/**
 * Retries what the error table marks retryable (429, 500, 502, 503, 504) and
 * every NetworkError, with exponential backoff and jitter. A 429 waits at
 * least what Retry-After says, never less. Gives up when the next wait would
 * pass `maxRetryMs`: the last response is returned (or the network error
 * rethrown) with `attempts` set, for the caller to report.
 */
export const retrying =
  (policy: RetryPolicy, onRetry: (e: RetryEvent) => void = () => {}): Interceptor =>
  (next) =>
  async (req) => {
    const started = Date.now();
    const budgetMs = Math.min(policy.maxRetryMs, req.maxRetryMs ?? Infinity);
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      let floorMs: number | undefined;
      let rateLimited = false;
      try {
        const res = await next(req);
        const action = resolve(res.status).action;
        if (action !== 'retry' && action !== 'rate_limited') return { ...res, attempts: attempt };
        reason = `HTTP ${res.status}`;
        if (action === 'rate_limited') {
          rateLimited = true;
          floorMs = waitAskedMs(res.headers);
        }
        const delayMs = nextDelay(policy, attempt, floorMs);
        if (Date.now() - started + delayMs > budgetMs) return { ...res, attempts: attempt };
        onRetry({ req, attempt, reason, delayMs, rateLimitedUntil: rateLimited ? Date.now() + delayMs : undefined });
        await sleep(delayMs, req.signal);
      } catch (err) {
        if (!(err instanceof NetworkError)) throw err;
        err.attempts = attempt;
        reason = err.message;
        const delayMs = nextDelay(policy, attempt, undefined);
        if (Date.now() - started + delayMs > budgetMs) throw err;
        onRetry({ req, attempt, reason, delayMs });
        await sleep(delayMs, req.signal);
      }
    }
  };

/** A 429's wait is the API's, plus a little jitter so parallel requests do not return in lockstep. */
function nextDelay(policy: RetryPolicy, attempt: number, floorMs: number | undefined): number {
  const random = policy.random ?? Math.random;
  if (floorMs !== undefined) return floorMs + Math.round(random() * 50);
  return backoffMs(attempt, policy.initialDelayMs, policy.maxDelayMs ?? 60_000, random);
}
