import { ConnectorError, transientError } from '../protocol/errors';
import { fill, resolve } from './error-table';
import { classifyFailure } from './request-failure';

const URL = 'http://api.test';

/** The errors the API client throws, built the way it builds them. */
const tableError = (status: number) => {
  const r = resolve(status);
  const e = new ConnectorError(fill(r.message!, { stream: 'items', request: 'GET /v1/items?limit=1' }), r.failureType!, `HTTP ${status}`, r.scope);
  e.status = status;
  return e;
};
const exhausted = (e: ConnectorError['exhausted']) => {
  const err = transientError('Stream items: … the next sync resumes from the last checkpoint.');
  err.exhausted = e;
  return err;
};

describe('classifyFailure', () => {
  test('401 and 403, from the error table', () => {
    expect(classifyFailure(tableError(401), URL)).toMatchObject({ kind: 'key_rejected', reason: expect.stringMatching(/api_key.*401/) });
    expect(classifyFailure(tableError(403), URL)).toMatchObject({ kind: 'forbidden', reason: expect.stringContaining('403') });
  });

  test('a redirect: redirected, in the words of its message (where it leads, which base_url to set)', () => {
    const message = 'The API at http://api.test redirects to https://api.test/v1/items (HTTP 301): set base_url to https://api.test. The connector does not follow redirects.';
    const e = Object.assign(new ConnectorError(message, 'config_error', 'HTTP 301', 'sync'), { status: 301 });
    expect(classifyFailure(e, URL)).toEqual({ kind: 'redirected', reason: message.slice(0, -1) });
  });

  test('429 until the budget ran out: rate_limited, with what Retry-After asked for', () => {
    expect(classifyFailure(exhausted({ status: 429, attempts: 2, retryAfterMs: 41_500 }), URL)).toEqual({
      kind: 'rate_limited',
      reason: 'the API is rate limiting this key (HTTP 429, 2 attempts)',
      retryAfterMs: 41_500,
    });
  });

  test('a request never sent because a wait the API asked for outlasts the budget: says so, not "0 attempts"', () => {
    expect(classifyFailure(exhausted({ status: 429, attempts: 0, retryAfterMs: 3_600_000 }), URL)).toEqual({
      kind: 'rate_limited',
      reason: 'the API is rate limiting this key (HTTP 429, a wait it asked for outlasts the retry budget)',
      retryAfterMs: 3_600_000,
    });
    expect(classifyFailure(exhausted({ status: 503, attempts: 0 }), URL).reason).toBe('the API kept answering HTTP 503 (a wait it asked for outlasts the retry budget)');
  });

  test('5xx until the budget ran out: server_errors', () => {
    expect(classifyFailure(exhausted({ status: 503, attempts: 3 }), URL)).toEqual({ kind: 'server_errors', reason: 'the API kept answering HTTP 503 (3 attempts)' });
  });

  test('no answer at all: unreachable, naming the URL and what happened', () => {
    expect(classifyFailure(exhausted({ networkCode: 'ECONNREFUSED', attempts: 1 }), URL).reason).toBe(`could not reach the API at ${URL} (connection refused) after 1 attempt`);
    expect(classifyFailure(exhausted({ networkCode: 'TIMEOUT', attempts: 2 }), URL)).toEqual({
      kind: 'unreachable',
      reason: `the API at ${URL} did not answer in time (2 attempts)`,
      fix: 'Check base_url and the network',
    });
    expect(classifyFailure(exhausted({ networkCode: 'EWHATEVER', attempts: 1 }), URL).reason).toContain('EWHATEVER');
  });

  test('a proxy that could not be reached: named, with the variable that names it, not the API', () => {
    const f = classifyFailure(exhausted({ networkCode: 'ECONNREFUSED', attempts: 3, proxy: { address: '127.0.0.1:3128', variable: 'HTTPS_PROXY' } }), URL);
    expect(f).toEqual({
      kind: 'unreachable',
      reason: 'could not reach the proxy at 127.0.0.1:3128 that HTTPS_PROXY names (connection refused) after 3 attempts',
      fix: 'Check HTTPS_PROXY and that the proxy is running',
    });
  });

  test('a failure below HTTP that no retry can fix (a config_error with no HTTP status): its own message, which says what to change', () => {
    const e = new ConnectorError('the proxy at 127.0.0.1:3128 refused the credentials in HTTPS_PROXY (HTTP 407).', 'config_error', 'x', 'sync');
    expect(classifyFailure(e, URL)).toEqual({ kind: 'network_setup', reason: 'the proxy at 127.0.0.1:3128 refused the credentials in HTTPS_PROXY (HTTP 407)' });
  });

  test('anything else keeps its own message; the words never speak of a sync or a checkpoint', () => {
    const other = classifyFailure(tableError(404), URL);
    expect(other.kind).toBe('other');
    expect(other.reason).toMatch(/HTTP 404/);
    expect(classifyFailure(new Error('boom'), URL)).toMatchObject({ kind: 'other', reason: 'Unexpected error: boom' });
    for (const e of [tableError(401), tableError(403), exhausted({ status: 429, attempts: 1 }), exhausted({ networkCode: 'ECONNRESET', attempts: 1 })]) {
      expect(classifyFailure(e, URL).reason).not.toMatch(/sync|checkpoint/i);
    }
  });
});
