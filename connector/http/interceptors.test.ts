import { ApiClock } from './api-clock';
import { observingClock, rateLimited, retrying } from './interceptors';
import { RateLimiter } from './rate-limiter';
import { ApiResponse, compose, NetworkError, Send } from './types';

const response = (status: number, headers: Record<string, string> = {}): ApiResponse => ({
  status,
  headers: { get: (n) => headers[n.toLowerCase()] ?? null },
  body: status === 200 ? '{"data":[]}' : '<html>busy</html>',
});
/** A transport that answers from a script, one entry per attempt. */
const scripted = (answers: (ApiResponse | Error)[]): Send & { calls: number } => {
  const send = (async () => {
    send.calls++;
    const a = answers.shift();
    if (!a) throw new Error('no more answers');
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
