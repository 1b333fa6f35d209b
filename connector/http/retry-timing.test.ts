import { backoffMs, retryAfterMs, waitAskedMs } from './retry-timing';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  test('delta-seconds', () => {
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('1.5', now)).toBe(1500);
  });
  test('HTTP-date (IMF-fixdate), relative to now', () => {
    expect(retryAfterMs('Wed, 25 Nov 2026 12:00:07 GMT', now)).toBe(7000);
  });
  test("an HTTP-date is read against the answer's own Date when it has one: the API's clock may be skewed from ours", () => {
    // The API's clock is an hour behind ours: against our clock the date is long past, against its Date 3 s ahead.
    expect(retryAfterMs('Wed, 25 Nov 2026 11:00:07 GMT', now, 'Wed, 25 Nov 2026 11:00:04 GMT')).toBe(3000);
    // An hour ahead: 2 s, not an hour and 2 s.
    expect(retryAfterMs('Wed, 25 Nov 2026 13:00:02 GMT', now, 'Wed, 25 Nov 2026 13:00:00 GMT')).toBe(2000);
    // No readable Date: our clock.
    expect(retryAfterMs('Wed, 25 Nov 2026 12:00:07 GMT', now, 'yesterday')).toBe(7000);
    expect(retryAfterMs('Wed, 25 Nov 2026 12:00:07 GMT', now, null)).toBe(7000);
    // Delta-seconds need no clock.
    expect(retryAfterMs('2', now, 'Wed, 25 Nov 2026 11:00:04 GMT')).toBe(2000);
  });
  test('a date in the past means now', () => {
    expect(retryAfterMs('Wed, 25 Nov 2026 11:59:00 GMT', now)).toBe(0);
  });
  test('absent or unreadable: undefined', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-3', now)).toBeUndefined();
  });
});

describe('backoffMs', () => {
  test('doubles per attempt, within [d/2, d], capped', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(3, 1000, 60_000, () => 1)).toBe(4000);
    expect(backoffMs(3, 1000, 60_000, () => 0)).toBe(2000);
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
  });
});

describe('waitAskedMs', () => {
  const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });
  const answer = (status: number, h: Record<string, string>) => ({ status, headers: headers(h) });
  test('a 429: prefers Retry-After, falls back to X-RateLimit-Reset, else undefined', () => {
    expect(waitAskedMs(answer(429, { 'retry-after': '2', 'x-ratelimit-reset': '5' }))).toBe(2000);
    expect(waitAskedMs(answer(429, { 'x-ratelimit-reset': '0.5' }))).toBe(500);
    expect(waitAskedMs(answer(429, { 'x-ratelimit-reset': 'soon' }))).toBeUndefined();
    expect(waitAskedMs(answer(429, {}))).toBeUndefined();
  });
  test('a 5xx asks for the wait its Retry-After names (RFC 9110 defines it for 503), never for X-RateLimit-Reset', () => {
    for (const status of [500, 502, 503, 504]) {
      expect([status, waitAskedMs(answer(status, { 'retry-after': '2', 'x-ratelimit-reset': '5' }))]).toEqual([status, 2000]);
      expect([status, waitAskedMs(answer(status, { 'x-ratelimit-reset': '5' }))]).toEqual([status, undefined]);
    }
  });
  test('an answer that is not retried asks for no wait', () => {
    for (const status of [200, 301, 400, 401, 403, 404]) expect([status, waitAskedMs(answer(status, { 'retry-after': '2' }))]).toEqual([status, undefined]);
  });
  test('an HTTP-date, from when the answer arrived, against its Date', () => {
    const h = { 'retry-after': 'Wed, 25 Nov 2026 11:00:07 GMT', date: 'Wed, 25 Nov 2026 11:00:04 GMT' };
    expect(waitAskedMs({ ...answer(429, h), receivedAt: Date.parse('2026-11-25T12:00:00Z') })).toBe(3000);
  });
});
