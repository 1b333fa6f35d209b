import { MASK, Redactor } from './redactor';

describe('Redactor', () => {
  const key = 'k3y+with/slash&=é';
  const r = new Redactor([key]);

  test.each([
    ['raw', `failed with key ${key}`],
    ['percent-encoded', `GET /v1/items?api_key=${encodeURIComponent(key)}`],
    ['form-encoded', `GET /v1/items?${new URLSearchParams({ x: '1', api_key: key })}`],
    ['JSON-escaped', JSON.stringify({ k: `a"${key}` })],
  ])('removes the key %s', (_kind, text) => {
    const out = r.redact(text);
    expect(out).not.toContain(key);
    expect(out).not.toContain(encodeURIComponent(key));
    expect(out).toContain(MASK);
  });

  test('masks any api_key query parameter, whatever its value', () => {
    expect(new Redactor().redact('http://h/v1/x?offset=0&api_key=abc123&limit=1')).toBe('http://h/v1/x?offset=0&api_key=****&limit=1');
  });

  test('redactDeep walks nested messages', () => {
    const msg = { trace: { error: { message: `bad ${key}`, list: [key] } } };
    expect(JSON.stringify(r.redactDeep(msg))).not.toContain(key);
  });

  test('very short secrets are not used (they would mask ordinary words)', () => {
    expect(new Redactor(['k']).redact('stock_summaries')).toBe('stock_summaries');
  });
});
