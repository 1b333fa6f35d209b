import { classifyNetworkError, proxyAnswerFailure } from './network-failures';
import { NetworkError, NetworkSetupError, ProxyEndpoint } from './types';

const API = new URL('https://api.example.com/v1/items?offset=0');
const PROXY: ProxyEndpoint = { address: 'proxy.corp:3128', variable: 'HTTPS_PROXY', hasCredentials: true };
const sysErr = (code: string, message = `${code} happened`) => Object.assign(new Error(message), { code });

describe('classifyNetworkError', () => {
  test.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'EWHATEVER'])(
    '%s straight to the API: a retryable NetworkError that does not mention a proxy',
    (code) => {
      const e = classifyNetworkError(sysErr(code), API, undefined);
      expect(e).toBeInstanceOf(NetworkError);
      expect((e as NetworkError).unreachableProxy).toBeUndefined();
      expect(e.message).not.toMatch(/proxy/);
    },
  );

  test.each(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH'])('%s through a proxy: retryable, and it is the proxy that is unreachable', (code) => {
    const e = classifyNetworkError(sysErr(code), API, PROXY) as NetworkError;
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.unreachableProxy).toBe(PROXY);
    expect(e.message).toMatch(/^could not reach the proxy at proxy\.corp:3128 \(HTTPS_PROXY\): /);
    expect(e.message).not.toContain('api.example.com');
  });

  test("the proxy agent's own complaints (no code) are the proxy's", () => {
    const e = classifyNetworkError(new Error('Proxy connection ended before receiving CONNECT response'), API, PROXY) as NetworkError;
    expect(e.unreachableProxy).toBe(PROXY);
    expect(e.message).toMatch(/CONNECT response/);
  });

  test('a reset inside the tunnel is the API connection failing, not the proxy being unreachable', () => {
    const e = classifyNetworkError(sysErr('ECONNRESET'), API, PROXY) as NetworkError;
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.unreachableProxy).toBeUndefined();
  });

  test.each(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'])(
    '%s: not retried; says to add the authority with NODE_EXTRA_CA_CERTS',
    (code) => {
      for (const proxy of [undefined, PROXY]) {
        const e = classifyNetworkError(sysErr(code, 'unable to verify the first certificate'), API, proxy);
        expect(e).toBeInstanceOf(NetworkSetupError);
        expect(e.message).toContain('api.example.com');
        expect(e.message).toContain('unable to verify the first certificate');
        expect(e.message).toMatch(/NODE_EXTRA_CA_CERTS/);
      }
    },
  );

  test.each([
    ['CERT_HAS_EXPIRED', /not valid now/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /not valid for that name.*base_url/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', /does not speak TLS/],
  ])('%s: not retried', (code, message) => {
    const e = classifyNetworkError(sysErr(code), API, undefined);
    expect(e).toBeInstanceOf(NetworkSetupError);
    expect(e.message).toMatch(message);
  });
});

describe('proxyAnswerFailure', () => {
  test('no proxy, or the API answering through the tunnel: the answer is the API’s', () => {
    expect(proxyAnswerFailure(undefined, 407, undefined, API)).toBeUndefined();
    expect(proxyAnswerFailure(PROXY, 503, 200, API)).toBeUndefined();
    expect(proxyAnswerFailure(PROXY, 200, undefined, API)).toBeUndefined();
  });

  test('407: the proxy refused the credentials in the variable that named it; not retried', () => {
    const e = proxyAnswerFailure(PROXY, 407, 407, API)!;
    expect(e).toBeInstanceOf(NetworkSetupError);
    expect(e.message).toMatch(/^The proxy at proxy\.corp:3128 refused the credentials in HTTPS_PROXY/);
    const none = proxyAnswerFailure({ ...PROXY, variable: 'https_proxy', hasCredentials: false }, 407, 407, API)!;
    expect(none.message).toMatch(/asks for credentials .* https_proxy has none/);
  });

  test('a tunnel the proxy could not open: 5xx retried, other refusals not', () => {
    const retry = proxyAnswerFailure(PROXY, 502, 502, API)!;
    expect(retry).toBeInstanceOf(NetworkError);
    expect(retry.message).toMatch(/proxy at proxy\.corp:3128 .* could not open a tunnel to api\.example\.com \(HTTP 502\)/);
    const refused = proxyAnswerFailure(PROXY, 403, 403, API)!;
    expect(refused).toBeInstanceOf(NetworkSetupError);
    expect(refused.message).toMatch(/NO_PROXY/);
  });
});
