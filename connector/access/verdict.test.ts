import type { RequestFailure } from '../http/request-failure';
import type { StreamAccess } from './probe';
import { accessVerdict } from './verdict';

const URL = 'http://api.test';
const ok = (stream: string): StreamAccess => ({ stream, readable: true });
const no = (stream: string, failure: RequestFailure): StreamAccess => ({ stream, readable: false, failure });
const forbidden: RequestFailure = { kind: 'forbidden', reason: 'the API answered HTTP 403 (the key is not entitled to the resource)' };
const rejected: RequestFailure = { kind: 'key_rejected', reason: 'the API rejected the api_key (HTTP 401)' };
const limited = (retryAfterMs?: number): RequestFailure => ({ kind: 'rate_limited', reason: 'the API is rate limiting this key (HTTP 429, 1 attempt)', retryAfterMs });
const refused: RequestFailure = { kind: 'unreachable', reason: `could not reach the API at ${URL} (connection refused) after 3 attempts` };
const unavailable: RequestFailure = { kind: 'server_errors', reason: 'the API kept answering HTTP 503 (3 attempts)' };

describe('accessVerdict', () => {
  test('every stream readable: SUCCEEDED, says so', () => {
    expect(accessVerdict([ok('a'), ok('b')], URL)).toEqual({ status: 'SUCCEEDED', message: `Check connected to ${URL}: the API key can read all 2 streams.` });
  });

  test('some streams 403: SUCCEEDED, naming every one of them and the fix', () => {
    const v = accessVerdict([ok('customers'), no('items', forbidden), ok('inventory'), no('orders', forbidden)], URL);
    expect(v.status).toBe('SUCCEEDED');
    expect(v.message).toContain('can read 2 of 4 streams (customers, inventory)');
    expect(v.message).toContain('may not read items, orders (HTTP 403)');
    expect(v.message).toMatch(/deselect them.*ask the account owner/);
  });

  test('every stream 403: FAILED, says the key may read none', () => {
    const v = accessVerdict([no('a', forbidden), no('b', forbidden)], URL);
    expect(v).toEqual({ status: 'FAILED', message: expect.stringMatching(/may not read any of the 2 streams \(HTTP 403/) });
  });

  test('a rejected key is FAILED, whatever else answered', () => {
    expect(accessVerdict([ok('a'), no('b', rejected)], URL)).toEqual({ status: 'FAILED', message: expect.stringMatching(/rejected the api_key \(HTTP 401\)/) });
  });

  test('rate limited: FAILED, says to try again in N s with N from Retry-After (rounded up, the longest)', () => {
    const v = accessVerdict([no('a', limited(41_200)), no('b', limited(3_000)), no('c', forbidden)], URL);
    expect(v.status).toBe('FAILED');
    expect(v.message).toMatch(/^Check could not finish: the API is rate limiting this key right now \(HTTP 429\); try again in 42 s\./);
    expect(v.message).toContain('may not read c');
    expect(accessVerdict([no('a', limited())], URL).message).toContain('try again in a minute');
  });

  test('rate limited on some streams only: SUCCEEDED, those named as not checked, with when to try again', () => {
    const v = accessVerdict([ok('a'), no('b', limited(9_000)), no('c', limited(2_000))], URL);
    expect(v.status).toBe('SUCCEEDED');
    expect(v.message).toContain('Check could not tell whether the key can read b, c: the API is rate limiting this key right now (HTTP 429); try again in 9 s.');
  });

  test('unreachable and server errors: FAILED with the reason and what to check', () => {
    expect(accessVerdict([no('a', refused), no('b', refused)], URL).message).toBe(`Check failed: ${refused.reason}. Check base_url and the network.`);
    expect(accessVerdict([no('a', unavailable)], URL).message).toMatch(/HTTP 503.*try again later/i);
  });

  test('a network setting no retry can fix (proxy credentials, an untrusted certificate): FAILED with its own words', () => {
    const setup: RequestFailure = { kind: 'network_setup', reason: 'the proxy at 127.0.0.1:3128 refused the credentials in HTTPS_PROXY (HTTP 407)' };
    expect(accessVerdict([no('a', setup), no('b', setup)], URL)).toEqual({
      status: 'FAILED',
      message: 'Check failed: the proxy at 127.0.0.1:3128 refused the credentials in HTTPS_PROXY (HTTP 407).',
    });
  });

  test('a base_url that redirects, met by every stream: FAILED, said once, in its own words', () => {
    const reason = 'The API at http://api.test redirects to https://api.test/v1/a (HTTP 301): set base_url to https://api.test';
    const redirected: RequestFailure = { kind: 'redirected', reason };
    const v = accessVerdict(['a', 'b', 'c', 'd', 'e', 'f'].map((s) => no(s, redirected)), URL);
    expect(v).toEqual({ status: 'FAILED', message: `Check failed: ${reason}.` });
    // Before a rate limit or an unreachable API elsewhere: the setting is what must change first.
    expect(accessVerdict([no('a', redirected), no('b', limited(3000)), no('c', refused)], URL).message).toBe(`Check failed: ${reason}.`);
  });

  test('a proxy that cannot be reached: FAILED, naming the proxy and its variable, not base_url', () => {
    const proxy: RequestFailure = { kind: 'unreachable', reason: 'could not reach the proxy at 127.0.0.1:3128 that HTTPS_PROXY names (connection refused) after 3 attempts', fix: 'Check HTTPS_PROXY and that the proxy is running' };
    const v = accessVerdict([no('a', proxy)], URL);
    expect(v.message).toBe('Check failed: could not reach the proxy at 127.0.0.1:3128 that HTTPS_PROXY names (connection refused) after 3 attempts. Check HTTPS_PROXY and that the proxy is running.');
  });

  test('anything else: FAILED with each distinct reason once', () => {
    const other: RequestFailure = { kind: 'other', reason: 'The API has no resource for stream a (HTTP 404)' };
    expect(accessVerdict([no('a', other), no('b', { ...other })], URL)).toEqual({ status: 'FAILED', message: `Check could not read any stream: ${other.reason}.` });
  });

  test('messages speak of check, never of a read, a sync, records or checkpoints', () => {
    const cases = [
      [ok('a'), no('b', forbidden), no('c', limited(1000)), no('d', unavailable)],
      [no('a', limited(5000))],
      [no('a', refused)],
      [no('a', rejected)],
      [no('a', forbidden)],
    ];
    for (const c of cases) {
      const { message } = accessVerdict(c, URL);
      expect(message).toMatch(/^Check /);
      expect(message).not.toMatch(/\bread (?:failed|stopped)|\bsync(?!ed)|records|checkpoint|state/i);
    }
  });
});
