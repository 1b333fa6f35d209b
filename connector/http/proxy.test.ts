import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { createRouter, PROXY_VARIABLES, proxySecrets, proxyVariable } from './proxy';
import { NetworkSetupError } from './types';

/** The router reads the process environment (as proxy-from-env does): each test sets exactly what it needs. */
const saved = new Map<string, string | undefined>();
const NAMES = [...PROXY_VARIABLES, 'no_proxy', 'NO_PROXY'];
beforeEach(() => {
  for (const name of NAMES) {
    saved.set(name, process.env[name]);
    delete process.env[name];
  }
});
afterEach(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function routeOf(url: string) {
  const router = createRouter({ maxSockets: 3 });
  try {
    return router.route(new URL(url));
  } finally {
    router.close();
  }
}

describe('createRouter', () => {
  test('without proxy variables every request goes direct, on keep-alive agents with maxSockets', () => {
    const route = routeOf('https://api.example.com/v1/items');
    expect(route.proxy).toBeUndefined();
    expect(route.agent).not.toBeInstanceOf(HttpsProxyAgent);
    expect(route.agent.maxSockets).toBe(3);
    expect((route.agent as unknown as { keepAlive: boolean }).keepAlive).toBe(true);
  });

  test('https URLs tunnel through HTTPS_PROXY (CONNECT), with the same pool settings', () => {
    process.env.HTTPS_PROXY = 'http://alice:secret@proxy.corp:3128';
    const route = routeOf('https://api.example.com/v1/items');
    expect(route.agent).toBeInstanceOf(HttpsProxyAgent);
    expect(route.agent.maxSockets).toBe(3);
    expect(route.proxy).toEqual({ address: 'proxy.corp:3128', variable: 'HTTPS_PROXY', hasCredentials: true });
  });

  test('http URLs go through HTTP_PROXY in absolute form; HTTPS_PROXY is not used for them', () => {
    process.env.HTTPS_PROXY = 'http://tls-proxy:1';
    process.env.HTTP_PROXY = 'http://plain-proxy:8080';
    const route = routeOf('http://api.example.com/v1/items');
    expect(route.agent).toBeInstanceOf(HttpProxyAgent);
    expect(route.proxy).toEqual({ address: 'plain-proxy:8080', variable: 'HTTP_PROXY', hasCredentials: false });
  });

  test('lower case wins over upper case; ALL_PROXY is the fallback; the default port follows the scheme', () => {
    process.env.HTTPS_PROXY = 'http://upper:1';
    process.env.https_proxy = 'http://lower:2';
    expect(routeOf('https://api.example.com/').proxy?.address).toBe('lower:2');
    delete process.env.HTTPS_PROXY;
    delete process.env.https_proxy;
    process.env.ALL_PROXY = 'https://all.corp';
    expect(routeOf('https://api.example.com/').proxy).toMatchObject({ address: 'all.corp:443', variable: 'ALL_PROXY' });
  });

  test.each([
    ['api.example.com', 'https://api.example.com/v1/items', false],
    ['other.example.com', 'https://api.example.com/v1/items', true],
    ['.example.com', 'https://api.example.com/v1/items', false],
    ['*.example.com', 'https://api.example.com/v1/items', false],
    ['*', 'https://api.example.com/v1/items', false],
    ['127.0.0.1:8443', 'https://127.0.0.1:8443/v1/items', false],
    ['127.0.0.1:9999', 'https://127.0.0.1:8443/v1/items', true],
    ['foo.test, 127.0.0.1', 'https://127.0.0.1:8443/v1/items', false],
  ])('NO_PROXY=%s, %s: proxied %s', (noProxy, url, proxied) => {
    process.env.HTTPS_PROXY = 'http://proxy.corp:3128';
    process.env.NO_PROXY = noProxy;
    expect(routeOf(url).proxy !== undefined).toBe(proxied);
  });

  test('one agent per proxy and scheme, reused for every request', () => {
    process.env.HTTPS_PROXY = 'http://proxy.corp:3128';
    const router = createRouter({ maxSockets: 8 });
    try {
      const a = router.route(new URL('https://api.example.com/v1/items'));
      const b = router.route(new URL('https://api.example.com/v1/orders?offset=99'));
      expect(b.agent).toBe(a.agent);
    } finally {
      router.close();
    }
  });

  test('an unusable proxy URL is a NetworkSetupError that names the variable and never quotes it', () => {
    process.env.HTTPS_PROXY = 'http://alice:pa ss@[bad';
    expect(() => routeOf('https://api.example.com/')).toThrow(NetworkSetupError);
    try {
      routeOf('https://api.example.com/');
    } catch (err) {
      expect((err as Error).message).toMatch(/^HTTPS_PROXY is not a valid proxy URL/);
      expect((err as Error).message).not.toContain('pa ss');
    }
    process.env.HTTPS_PROXY = 'socks5://alice:pw@proxy.corp:1080';
    expect(() => routeOf('https://api.example.com/')).toThrow(/socks5 proxy at proxy\.corp:1080.*http:\/\/ and https:\/\//);
  });
});

describe('proxyVariable', () => {
  test('names the variable proxy-from-env reads, in its order', () => {
    expect(proxyVariable('https:', { HTTPS_PROXY: 'x', https_proxy: 'y' })).toBe('https_proxy');
    expect(proxyVariable('https:', { HTTPS_PROXY: 'x', HTTP_PROXY: 'y' })).toBe('HTTPS_PROXY');
    expect(proxyVariable('http:', { HTTPS_PROXY: 'x', all_proxy: 'y' })).toBe('all_proxy');
  });
});

describe('proxySecrets', () => {
  test('every spelling of each proxy password, and nothing for proxies without one', () => {
    const secrets = proxySecrets({ HTTPS_PROXY: 'http://alice:p%40ss!w0rd@proxy.corp:3128', http_proxy: 'http://proxy.corp:3128', PATH: '/usr/bin' });
    expect(secrets).toEqual(
      expect.arrayContaining([
        'http://alice:p%40ss!w0rd@proxy.corp:3128',
        'p%40ss!w0rd',
        'p@ss!w0rd',
        Buffer.from('alice:p@ss!w0rd').toString('base64'),
      ]),
    );
    expect(secrets).not.toContain('http://proxy.corp:3128');
    expect(secrets.join(' ')).not.toContain('/usr/bin');
  });

  test('a value that is not a URL is a secret as a whole', () => {
    expect(proxySecrets({ https_proxy: 'http://alice:pa ss@[bad' })).toEqual(['http://alice:pa ss@[bad']);
  });

  test('a host:port without scheme is read as http://', () => {
    expect(proxySecrets({ ALL_PROXY: 'bob:hunter22@proxy:3128' })).toEqual(expect.arrayContaining(['hunter22']));
  });
});
