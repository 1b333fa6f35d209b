import { ApiClock } from './api-clock';
import { observingClock, rateLimited, retrying } from './interceptors';
import { RateLimiter } from './rate-limiter';
import { ApiRequest, ApiResponse, compose, HeldBack, NetworkError, PausedPastBudget, Send } from './types';

const response = (status: number, headers: Record<string, string> = {}): ApiResponse => ({
  status,
  headers: { get: (n) => headers[n.toLowerCase()] ?? null },
  body: status === 200 ? '{"data":[]}' : '<html>busy</html>',
});
/**
 * A transport that answers from a script, one entry per attempt, keeping the
 * transport's contract: it asks `mayWrite` before sending (HeldBack when
 * refused, nothing consumed) and hands the head of every answer to `onHead`
 * (a NetworkError's too, when it carries one) before it resolves.
 */
const scripted = (answers: (ApiResponse | Error)[]): Send & { calls: number } => {
  const send = (async (r: ApiRequest) => {
    if (r.mayWrite && !r.mayWrite()) throw new HeldBack();
    send.calls++;
    const a = answers.shift();
    if (!a) throw new Error('no more answers');
    const head = a instanceof NetworkError ? a.head : a instanceof Error ? undefined : a;
    if (head) r.onHead?.({ status: head.status, headers: head.headers, receivedAt: Date.now() });
    if (a instanceof Error) throw a;
    return a;
  }) as unknown as Send & { calls: number };
  send.calls = 0;
  return send;
};
const req = { url: 'http://h/v1/items?api_key=x', label: 'GET /v1/items', stream: 'items' };
const fast = { maxRetryMs: 10_000, initialDelayMs: 1, random: () => 0 };

describe('retrying', () => {
  test.each([429, 500, 502, 503, 504])('HTTP %i is retried until it succeeds', async (status) => {
    const t = scripted([response(status), response(status), response(200)]);
    const events: number[] = [];
    const res = await compose(t, retrying(fast, (e) => events.push(e.attempt)))(req);
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(3);
    expect(events).toEqual([1, 2]);
  });

  test('network errors are retried', async () => {
    const t = scripted([new NetworkError('connection reset by the server', 'ECONNRESET'), response(200)]);
    expect((await compose(t, retrying(fast))(req)).status).toBe(200);
  });

  test.each([400, 401, 403, 404])('HTTP %i is not retried', async (status) => {
    const t = scripted([response(status), response(200)]);
    expect((await compose(t, retrying(fast))(req)).status).toBe(status);
    expect(t.calls).toBe(1);
  });

  test('a 429 waits at least Retry-After and says it is rate limited', async () => {
    const t = scripted([response(429, { 'retry-after': '0.2' }), response(200)]);
    const events: { delayMs: number; rateLimitedUntil?: number }[] = [];
    await compose(t, retrying(fast, (e) => events.push(e)))(req);
    expect(events[0].delayMs).toBeGreaterThanOrEqual(200);
    expect(events[0].rateLimitedUntil).toBeDefined();
  });

  test('a request may ask for a shorter budget than the policy (a probe), never a longer one', async () => {
    const short = scripted([response(503), response(503), response(200)]);
    const res = await compose(short, retrying({ maxRetryMs: 60_000, initialDelayMs: 1000, random: () => 0 }))({ ...req, maxRetryMs: 100 });
    expect([res.status, res.attempts]).toEqual([503, 1]);
    const long = scripted([response(503), response(200)]);
    const res2 = await compose(long, retrying({ maxRetryMs: 0, initialDelayMs: 1000 }))({ ...req, maxRetryMs: 60_000 });
    expect([res2.status, res2.attempts]).toEqual([503, 1]);
  });

  test('gives up when the next wait would pass the budget, returning the last answer', async () => {
    const t = scripted([response(503), response(503), response(503)]);
    const res = await compose(t, retrying({ maxRetryMs: 0, initialDelayMs: 1000 }))(req);
    expect(res.status).toBe(503);
    expect(res.attempts).toBe(1);
  });

  test('a Retry-After longer than the budget is not waited for', async () => {
    const t = scripted([response(429, { 'retry-after': '3600' }), response(200)]);
    const res = await compose(t, retrying({ maxRetryMs: 1000, initialDelayMs: 1 }))(req);
    expect(res.status).toBe(429);
    expect(t.calls).toBe(1);
  });

  test('a 503 with Retry-After waits at least that long (and is not called a rate limit)', async () => {
    const t = scripted([response(503, { 'retry-after': '0.2' }), response(200)]);
    const events: { delayMs: number; rateLimitedUntil?: number }[] = [];
    await compose(t, retrying(fast, (e) => events.push(e)))(req);
    expect(events[0].delayMs).toBeGreaterThanOrEqual(200);
    expect(events[0].rateLimitedUntil).toBeUndefined();
  });

  test('a 429 whose body was cut short after its headers: the retry still waits its Retry-After', async () => {
    const cut = Object.assign(new NetworkError('connection closed before the response was complete', 'ERR_STREAM_PREMATURE_CLOSE'), {
      head: { status: 429, headers: response(429, { 'retry-after': '0.2' }).headers, receivedAt: Date.now() },
    });
    const t = scripted([cut, response(200)]);
    const events: { delayMs: number; reason: string }[] = [];
    expect((await compose(t, retrying(fast, (e) => events.push(e)))(req)).status).toBe(200);
    expect(events[0].delayMs).toBeGreaterThanOrEqual(200);
    expect(events[0].reason).toMatch(/HTTP 429.*closed before the response was complete/);
  });

  test("a request with a shorter budget (a probe) keeps a wait the API asks for within the policy's full budget; its own backoffs stay within its own", async () => {
    const asked = scripted([response(429, { 'retry-after': '0.2' }), response(200)]);
    const res = await compose(asked, retrying({ maxRetryMs: 10_000, initialDelayMs: 1000, random: () => 0 }))({ ...req, maxRetryMs: 100 });
    expect([res.status, res.attempts]).toEqual([200, 2]);
    const then503 = scripted([response(429, { 'retry-after': '0.2' }), response(503), response(200)]);
    const res2 = await compose(then503, retrying({ maxRetryMs: 10_000, initialDelayMs: 1000, random: () => 0 }))({ ...req, maxRetryMs: 100 });
    expect([res2.status, res2.attempts]).toEqual([503, 2]);
    const tooLong = scripted([response(429, { 'retry-after': '30' }), response(200)]);
    const res3 = await compose(tooLong, retrying({ maxRetryMs: 10_000, initialDelayMs: 1 }))({ ...req, maxRetryMs: 100 });
    expect([res3.status, res3.attempts]).toEqual([429, 1]);
  });

  test('other errors (bugs) are not retried', async () => {
    const t = scripted([new TypeError('boom'), response(200)]);
    await expect(compose(t, retrying(fast))(req)).rejects.toThrow('boom');
  });
});

describe('rateLimited', () => {
  test('a 429 pauses every request until its Retry-After', async () => {
    const limiter = new RateLimiter({ perSecond: 1000, burst: 10 });
    const t = scripted([response(429, { 'retry-after': '7' })]);
    const before = Date.now();
    await compose(t, rateLimited(limiter))(req);
    expect(limiter.pausedUntilMs).toBeGreaterThanOrEqual(before + 7000);
  });

  test('a 503 with Retry-After pauses every request too', async () => {
    const limiter = new RateLimiter({ perSecond: 1000, burst: 10 });
    const before = Date.now();
    await compose(scripted([response(503, { 'retry-after': '7' })]), rateLimited(limiter))(req);
    expect(limiter.pausedUntilMs).toBeGreaterThanOrEqual(before + 7000);
  });

  test('the pause begins when the head arrives: an answer cut short after its headers still pauses everyone', async () => {
    const limiter = new RateLimiter({ perSecond: 1000, burst: 10 });
    const cut = Object.assign(new NetworkError('connection closed before the response was complete', 'ERR_STREAM_PREMATURE_CLOSE'), {
      head: { status: 429, headers: response(429, { 'retry-after': '7' }).headers, receivedAt: Date.now() },
    });
    const before = Date.now();
    await expect(compose(scripted([cut]), rateLimited(limiter))(req)).rejects.toBe(cut);
    expect(limiter.pausedUntilMs).toBeGreaterThanOrEqual(before + 7000);
  });

  test('an attempt whose connection is ready while a pause it did not know of is in force is not written: it queues again behind the pause', async () => {
    const limiter = new RateLimiter({ perSecond: 1000, burst: 10 });
    const seen: string[] = [];
    // The first time, another request's 429 arrives while this one waits for a socket, its token already taken.
    const transport: Send = async (r) => {
      if (!seen.length) limiter.pauseUntil(Date.now() + 150);
      if (r.mayWrite && !r.mayWrite()) {
        seen.push('held back');
        throw new HeldBack();
      }
      seen.push(limiter.paused ? 'written during the pause' : 'written after the pause');
      return response(200);
    };
    const res = await compose(transport, rateLimited(limiter))(req);
    expect(res.status).toBe(200);
    expect(seen).toEqual(['held back', 'written after the pause']);
  });

  test('a pause the API asked for that outlasts the full budget: the request is not sent, and says so at once', async () => {
    const limiter = new RateLimiter({ perSecond: 1000, burst: 10 });
    limiter.pauseUntil(Date.now() + 3_600_000, 429);
    const t = scripted([response(200)]);
    const abort = new AbortController();
    const sent = compose(t, retrying({ maxRetryMs: 8_000, initialDelayMs: 1 }), rateLimited(limiter))({ ...req, signal: abort.signal });
    // Not a timing: an answer that does not come within a second is the hour-long wait this test is about.
    const err = await Promise.race([sent.catch((e: unknown) => e), new Promise((r) => setTimeout(() => r('still waiting after 1 s'), 1000))]);
    abort.abort(new Error('test over'));
    expect(err).toBeInstanceOf(PausedPastBudget);
    expect([(err as PausedPastBudget).attempts, (err as PausedPastBudget).askedBy, t.calls]).toEqual([0, 429, 0]);
  });

  test('responses carry the sequence number of their attempt', async () => {
    const limiter = new RateLimiter({ perSecond: 1000, burst: 10 });
    const t = scripted([response(200), response(200)]);
    const send = compose(t, rateLimited(limiter));
    expect((await send(req)).sequence).toBe(1);
    expect((await send(req)).sequence).toBe(2);
  });
});

describe('observingClock', () => {
  test('every answer, retried ones included, teaches the clock', async () => {
    const clock = new ApiClock(() => Date.parse('2026-11-27T12:00:00.500Z'));
    const t = scripted([response(503, { date: 'Fri, 27 Nov 2026 13:00:00 GMT' }), response(200, { date: 'Fri, 27 Nov 2026 13:00:01 GMT' })]);
    await compose(t, retrying(fast), observingClock(clock))(req);
    expect(clock.ceiling()).toBe(BigInt(Date.parse('2026-11-27T13:00:01.000Z')) * 1000n);
  });
});
