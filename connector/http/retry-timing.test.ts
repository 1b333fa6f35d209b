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
  test('prefers Retry-After, falls back to X-RateLimit-Reset, else undefined', () => {
    expect(waitAskedMs(headers({ 'retry-after': '2', 'x-ratelimit-reset': '5' }))).toBe(2000);
    expect(waitAskedMs(headers({ 'x-ratelimit-reset': '0.5' }))).toBe(500);
    expect(waitAskedMs(headers({ 'x-ratelimit-reset': 'soon' }))).toBeUndefined();
    expect(waitAskedMs(headers({}))).toBeUndefined();
  });
});
