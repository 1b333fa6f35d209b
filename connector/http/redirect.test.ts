import { resolve } from './error-table';
import { redirectMessage, redirectTarget } from './redirect';

const REQUEST = 'http://127.0.0.1:8080/v1/items?limit=1&api_key=s3cret-key';

describe('redirectTarget', () => {
  test('an http:// URL redirected to https://, query (and key) kept by the server: the Location without it, and the base_url to set', () => {
    expect(redirectTarget('https://api.example.com/v1/items?limit=1&api_key=s3cret-key', REQUEST, '/v1/items')).toEqual({
      location: 'https://api.example.com/v1/items',
      baseUrl: 'https://api.example.com',
    });
  });

  test('a base_url that moved under a path prefix; a relative Location is resolved against the request URL', () => {
    expect(redirectTarget('https://new.example.com:8443/api/v1/items/', REQUEST, '/v1/items')).toEqual({
      location: 'https://new.example.com:8443/api/v1/items/',
      baseUrl: 'https://new.example.com:8443/api',
    });
    expect(redirectTarget('/inventory/v1/items?api_key=s3cret-key', REQUEST, '/v1/items')).toEqual({
      location: 'http://127.0.0.1:8080/inventory/v1/items',
      baseUrl: 'http://127.0.0.1:8080/inventory',
    });
  });

  test('user info and fragment are stripped: nothing that could carry a secret is kept', () => {
    const t = redirectTarget('https://user:pa55word@api.example.com/v1/items#api_key=s3cret-key', REQUEST, '/v1/items');
    expect(t).toEqual({ location: 'https://api.example.com/v1/items', baseUrl: 'https://api.example.com' });
  });

  test('a Location that is not the API (a login page, another scheme): where it leads, no base_url', () => {
    expect(redirectTarget('https://sso.example.com/login?next=%2Fv1%2Fitems', REQUEST, '/v1/items')).toEqual({ location: 'https://sso.example.com/login' });
    expect(redirectTarget('ftp://files.example.com/v1/items', REQUEST, '/v1/items')).toEqual({ location: 'ftp://files.example.com/v1/items' });
  });

  test('no Location, or one that is not a URL: nothing', () => {
    expect(redirectTarget(null, REQUEST, '/v1/items')).toEqual({});
    expect(redirectTarget('  ', REQUEST, '/v1/items')).toEqual({});
    expect(redirectTarget('http://[::1', REQUEST, '/v1/items')).toEqual({});
  });
});

describe('redirectMessage', () => {
  test('names where the redirect leads, the base_url to set, and that redirects are not followed', () => {
    const m = redirectMessage(301, { location: 'https://api.example.com/v1/items', baseUrl: 'https://api.example.com' }, 'http://api.example.com', '/v1/items');
    expect(m).toBe(
      'The API at http://api.example.com redirects to https://api.example.com/v1/items (HTTP 301): set base_url to https://api.example.com. ' +
        'The connector does not follow redirects, so that the api_key only ever goes to base_url.',
    );
    expect(redirectMessage(302, { location: 'https://sso.example.com/login' }, 'http://h', '/v1/items')).toMatch(
      /^The API at http:\/\/h redirects \/v1\/items to https:\/\/sso\.example\.com\/login \(HTTP 302\), which is not an address of the API: check base_url\./,
    );
    expect(redirectMessage(307, {}, 'http://h', '/v1/items')).toMatch(/redirect \(HTTP 307\) that does not say where to.*check base_url/);
  });
});

describe('the error table', () => {
  test.each([301, 302, 303, 307, 308])('HTTP %i is a redirect: a config_error for the whole sync, never retried', (status) => {
    expect(resolve(status)).toEqual({ action: 'redirect', failureType: 'config_error', scope: 'sync' });
  });
});
