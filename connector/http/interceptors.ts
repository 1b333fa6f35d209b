import type { ApiClock } from './api-clock';
import { resolve } from './error-table';
import { RateLimiter } from './rate-limiter';
import { backoffMs, waitAskedMs } from './retry-timing';
import { ApiRequest, HeldBack, Interceptor, NetworkError, PausedPastBudget, ResponseHead, sleep } from './types';

/**
 * Every attempt waits for a token; every answer teaches the limiter what the
 * API has left, and a wait an answer asks for (a 429's or a 5xx's
 * Retry-After) pauses every request of the run. Both are learnt from the
 * answer's head, the moment it arrives: a body cut short still delivers its
 * Retry-After, and the pause is in force before the answer's connection can
 * carry another request. An attempt whose connection became ready during a
 * pause was not written (HeldBack): it queues again for a token, behind the
 * pause, and is no retry. A request whose budget (`notAfter`) ends before
 * the pause does is not sent at all (PausedPastBudget).
 */
export const rateLimited =
  (limiter: RateLimiter): Interceptor =>
  (next) =>
  async (req) => {
    for (;;) {
      const sequence = await limiter.acquire(req.signal, req.notAfter);
      if (req.signal?.aborted) throw req.signal.reason;
      const onHead = (head: ResponseHead): void => {
        limiter.observe(head.headers, sequence);
        const wait = waitAskedMs(head);
        if (wait !== undefined) limiter.pauseUntil(head.receivedAt + wait, head.status);
        req.onHead?.(head);
      };
      const mayWrite = (): boolean => !limiter.paused && (req.mayWrite?.() ?? true);
      try {
        const res = await next({ ...req, onHead, mayWrite });
        return { ...res, sequence };
      } catch (err) {
        if (err instanceof HeldBack) continue;
        throw err;
      }
    }
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
  /**
   * Total time one request may spend retrying, from its first attempt. A
   * request may ask for less (a probe), for its own backoffs; a wait the API
   * asks for (Retry-After) is kept within this full budget even then.
   */
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
 * every NetworkError, with exponential backoff and jitter. An answer that asks
 * for a wait (Retry-After on any of them, X-RateLimit-Reset on a 429) is
 * retried no sooner, and so is one whose body was cut short after its headers
 * asked for it. Gives up when the next wait would pass the budget: the
 * request's own for a backoff, the policy's full one for a wait the API asked
 * for. The last response is returned (or the network error rethrown) with
 * `attempts` set, for the caller to report.
 */
export const retrying =
  (policy: RetryPolicy, onRetry: (e: RetryEvent) => void = () => {}): Interceptor =>
  (next) =>
  async (req) => {
    const started = Date.now();
    const ownBudgetMs = Math.min(policy.maxRetryMs, req.maxRetryMs ?? Infinity);
    /** The delay before the next attempt, or undefined when it would pass the budget. */
    const plan = (attempt: number, asked: number | undefined): number | undefined => {
      const delayMs = nextDelay(policy, attempt, asked);
      const budgetMs = asked === undefined ? ownBudgetMs : policy.maxRetryMs;
      return Date.now() - started + delayMs > budgetMs ? undefined : delayMs;
    };
    // A wait the API asked for may last up to the full budget, and no longer: the limiter fails the request then.
    const attemptReq = { ...req, notAfter: started + policy.maxRetryMs };
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await next(attemptReq);
        const action = resolve(res.status).action;
        if (action !== 'retry' && action !== 'rate_limited') return { ...res, attempts: attempt };
        const delayMs = plan(attempt, waitAskedMs(res));
        if (delayMs === undefined) return { ...res, attempts: attempt };
        const rateLimitedUntil = action === 'rate_limited' ? Date.now() + delayMs : undefined;
        onRetry({ req, attempt, reason: `HTTP ${res.status}`, delayMs, rateLimitedUntil });
        await sleep(delayMs, req.signal);
      } catch (err) {
        if (err instanceof PausedPastBudget) err.attempts = attempt - 1;
        if (!(err instanceof NetworkError)) throw err;
        err.attempts = attempt;
        const delayMs = plan(attempt, err.head && waitAskedMs(err.head));
        if (delayMs === undefined) throw err;
        onRetry({ req, attempt, reason: err.head ? `HTTP ${err.head.status}, ${err.message}` : err.message, delayMs });
        await sleep(delayMs, req.signal);
      }
    }
  };

/** A wait the API asked for is kept, plus a little jitter so parallel requests do not return in lockstep. */
function nextDelay(policy: RetryPolicy, attempt: number, askedMs: number | undefined): number {
  const random = policy.random ?? Math.random;
  if (askedMs !== undefined) return askedMs + Math.round(random() * 50);
  return backoffMs(attempt, policy.initialDelayMs, policy.maxDelayMs ?? 60_000, random);
}
