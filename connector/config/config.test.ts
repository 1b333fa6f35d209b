import { jsonErrorWhere, parseConfig, secretsInText } from './config';

describe('parseConfig', () => {
  test('applies every default and converts units', () => {
    const c = parseConfig({ api_key: 'abcd' });
    expect(c).toMatchObject({
      apiKey: 'abcd',
      baseUrl: 'https://api.example.com',
      requestsPerSecond: 10,
      burst: 20,
      maxConcurrentRequests: 8,
      requestTimeoutMs: 60_000,
      maxRetryMs: 300_000,
      retryInitialDelayMs: 1000,
    });
    expect(c.startDate).toBeUndefined();
  });

  test('trailing slashes are dropped from base_url; null optional fields count as unset', () => {
    const c = parseConfig({ api_key: 'abcd', base_url: 'http://127.0.0.1:8080/', start_date: null, burst: null });
    expect(c.baseUrl).toBe('http://127.0.0.1:8080');
    expect(c.burst).toBe(20);
  });

  test('start_date becomes an instant', () => {
    expect(parseConfig({ api_key: 'abcd', start_date: '2024-01-01T00:00:00Z' }).startDate).toBe(1704067200000000n);
  });

  test('lookback_window_seconds defaults to none and becomes microseconds; end_date becomes an instant', () => {
    expect(parseConfig({ api_key: 'abcd' })).toMatchObject({ lookback: 0n, endDate: undefined });
    const c = parseConfig({ api_key: 'abcd', lookback_window_seconds: 120, end_date: '2025-01-01T00:00:00.5Z' });
    expect(c.lookback).toBe(120_000_000n);
    expect(c.endDate).toBe(1735689600500000n);
  });

  test('an end_date not after start_date, a negative lookback or a malformed end_date is a config_error', () => {
    expect(() => parseConfig({ api_key: 'abcd', start_date: '2025-01-01T00:00:00Z', end_date: '2025-01-01T00:00:00Z' })).toThrow(
      /end_date must be later than start_date/,
    );
    expect(() => parseConfig({ api_key: 'abcd', lookback_window_seconds: -1 })).toThrow(/lookback_window_seconds/);
    expect(() => parseConfig({ api_key: 'abcd', end_date: 'tomorrow' })).toThrow(/end_date/);
  });

  test('every violation is reported at once, in words', () => {
    let message = '';
    try {
      parseConfig({ base_url: 'ftp://x', start_date: 'yesterday', requests_per_second: 0, max_concurrent_requests: 100 });
    } catch (e) {
      message = (e as Error).message;
      expect((e as { failureType: string }).failureType).toBe('config_error');
    }
    expect(message).toContain('"api_key" is required');
    expect(message).toContain('base_url must look like');
    expect(message).toContain('start_date');
    expect(message).toContain('requests_per_second');
    expect(message).toContain('max_concurrent_requests');
  });

  test.each([null, [], 'key', 3])('a config that is not an object (%p) is a config_error', (raw) => {
    expect(() => parseConfig(raw)).toThrow(/must be a JSON object/);
  });
});

describe('broken config files', () => {
  test('parse errors say where, never what', () => {
    const text = '{"api_key": s3cr+t/k}';
    let err: unknown;
    try {
      JSON.parse(text);
    } catch (e) {
      err = e;
    }
    const where = jsonErrorWhere(err, text);
    expect(where).not.toContain('s3cr');
    expect(where.length).toBeGreaterThan(0);
  });

  test('the key is found in text that does not parse, so it can be redacted', () => {
    expect(secretsInText('{"api_key": "a\\"b", "x": }')).toEqual(['a"b']);
    expect(secretsInText('{"x": 1}')).toEqual([]);
  });
});
