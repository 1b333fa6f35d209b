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

describe('Redactor and URL credentials', () => {
  test('masks the password of any scheme://user:password@ URL, whatever its value', () => {
    const r = new Redactor();
    expect(r.redact('via http://alice:s3cr%40t@proxy.corp:3128 failed')).toBe('via http://alice:****@proxy.corp:3128 failed');
    expect(r.redact('HTTPS_PROXY=https://bob:pw@10.0.0.1:8443/')).toBe('HTTPS_PROXY=https://bob:****@10.0.0.1:8443/');
    expect(r.redact('http://proxy.corp:3128 and https://api.example.com/v1/items')).toBe('http://proxy.corp:3128 and https://api.example.com/v1/items');
  });

  test('with() keeps the secrets it had and adds the new ones', () => {
    const first = new Redactor(['proxy-pass-1']);
    const both = first.with(['api-key-2']);
    expect(both.redact('proxy-pass-1 api-key-2')).toBe(`${MASK} ${MASK}`);
    expect(first.redact('api-key-2')).toBe('api-key-2'); // the original is unchanged
  });
});
