/**
 * Cloud mode's guard. Only loopback addresses appear here (127.0.0.0/8,
 * localhost, ::1 and their spellings), as inputs and as servers: the other
 * blocks of the table are IANA's registry, read, not exercised.
 */
import http from 'http';
import type { AddressInfo } from 'net';
import { ApiClient } from './api-client';
import { cloudGuardFor, createCloudGuard, isCloud, nonPublicReason, REFUSED_CODE, Resolve } from './cloud-guard';
import { createRouter } from './proxy';
import { createTransport } from './transport';
import { NetworkSetupError } from './types';
import { ConnectorError } from '../protocol/errors';
import { parseConfig } from '../config/config';

describe('isCloud / cloudGuardFor', () => {
  test.each([['CLOUD'], ['cloud'], ['Cloud'], [' cloud ']])('DEPLOYMENT_MODE=%j is Cloud mode', (mode) => {
    expect(isCloud({ DEPLOYMENT_MODE: mode })).toBe(true);
    expect(cloudGuardFor({ DEPLOYMENT_MODE: mode })).toBeDefined();
  });

  test.each([[undefined], [''], ['OSS'], ['oss'], ['clouds']])('DEPLOYMENT_MODE=%j is OSS mode: no guard', (mode) => {
    expect(isCloud({ DEPLOYMENT_MODE: mode })).toBe(false);
    expect(cloudGuardFor({ DEPLOYMENT_MODE: mode })).toBeUndefined();
  });
});

describe('nonPublicReason (loopback forms only)', () => {
  test.each(['127.0.0.1', '127.1.2.3', '127.0.0.0', '127.255.255.255'])('%s is a loopback address', (ip) => {
    expect(nonPublicReason(ip)).toBe('a loopback address');
  });

  test.each(['::1', '0:0:0:0:0:0:0:1', '0000:0000:0000:0000:0000:0000:0000:0001', '::1%lo'])('%s is a loopback address', (ip) => {
    expect(nonPublicReason(ip)).toBe('a loopback address');
  });

  test.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['::FFFF:7F01:0203', '127.1.2.3'],
    ['0:0:0:0:0:ffff:7f00:1', '127.0.0.1'],
    ['::ffff:127.1.2.3', '127.1.2.3'],
  ])('%s (IPv4-mapped) is judged by the IPv4 address it reaches, %s', (ip, v4) => {
    expect(nonPublicReason(ip)).toBe(`a loopback address (${v4}, in IPv6 form)`);
  });

  test.each(['localhost', '', '127.0.0.1.', '::1::', '127.0.0.256'])('%j is not an IP address, so it is not a public one', (text) => {
    expect(nonPublicReason(text)).toBe('not an IP address');
  });
});

describe('admit', () => {
  const resolving = (...addresses: string[]): Resolve => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  const refusedWith = async (promise: Promise<void>): Promise<ConnectorError> => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).failureType).toBe('config_error');
    return err as ConnectorError;
  };

  test.each(['http://127.0.0.1:8080', 'http://localhost'])('refuses %s: only https:// URLs', async (url) => {
    const e = await refusedWith(createCloudGuard(resolving()).admit(url));
    expect(e.message).toBe(
      "Cloud mode (DEPLOYMENT_MODE=CLOUD) accepts only https:// URLs, and base_url starts with http://. Set base_url to the API's public https:// URL.",
    );
  });

  test.each([
    ['https://127.0.0.1:8443', '127.0.0.1 is a loopback address'],
    ['https://127.1.2.3', '127.1.2.3 is a loopback address'],
    ['https://0x7f.1', '127.0.0.1 is a loopback address'],
    ['https://2130706433/api', '127.0.0.1 is a loopback address'],
    ['https://[::1]:8443', '::1 is a loopback address'],
    ['https://[::ffff:127.0.0.1]', '::ffff:7f00:1 is a loopback address (127.0.0.1, in IPv6 form)'],
  ])('refuses %s without resolving anything', async (url, what) => {
    const resolve = jest.fn(resolving());
    const e = await refusedWith(createCloudGuard(resolve).admit(url));
    expect(e.message).toContain(`and base_url's host ${what}.`);
    expect(resolve).not.toHaveBeenCalled();
  });

  test.each([
    [['127.0.0.1'], '127.0.0.1'],
    [['::1'], '::1'],
    [['::1', '127.0.0.1'], '::1'],
    [['127.1.2.3'], '127.1.2.3'],
  ])('refuses a host name when any resolved address is not public (%j)', async (addresses, first) => {
    const e = await refusedWith(createCloudGuard(resolving(...addresses)).admit('https://localhost:8443'));
    expect(e.message).toBe(
      `Cloud mode (DEPLOYMENT_MODE=CLOUD) reaches only public endpoints, and base_url's host localhost resolves to ${first}, a loopback address. ` +
        "Set base_url to the API's public https:// URL.",
    );
  });

  test('refuses localhost resolved by the system resolver', async () => {
    const e = await refusedWith(createCloudGuard().admit('https://localhost:8443'));
    expect(e.message).toMatch(/host localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
  });

  test('a host name that does not resolve now is left to the connection, which resolves it again through the guard', async () => {
    const resolve: Resolve = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await expect(createCloudGuard(resolve).admit('https://localhost:8443')).resolves.toBeUndefined();
  });
});

describe('lookup: every connection is checked when it is made, and goes only to the addresses checked', () => {
  let server: http.Server;
  let port: number;
  let connections = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('{"data":[]}'));
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const lookupOf = (options: { all?: boolean; family?: number }) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      createCloudGuard().lookup('localhost', options, (err, address) => resolve({ err, address })),
    );

  test.each([[{}], [{ all: true }], [{ family: 4 }]])('lookup(localhost, %j) fails with the refusal, not an address', async (options) => {
    const { err, address } = await lookupOf(options);
    expect(err?.code).toBe(REFUSED_CODE);
    expect(err?.message).toMatch(/host localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    expect(address).toEqual([]);
  });

  test('the control: without the guard, the router connects to http://localhost', async () => {
    const router = createRouter({ maxSockets: 1 });
    const transport = createTransport({ timeoutMs: 5_000, router });
    const before = connections;
    try {
      const res = await transport.send({ url: `http://localhost:${port}/v1/items`, label: 'GET /v1/items' });
      expect(res.status).toBe(200);
      expect(connections - before).toBe(1);
    } finally {
      transport.close();
    }
  });

  test("with the guard's lookup, the router's direct agents refuse at connect time: a NetworkSetupError, and no connection", async () => {
    const router = createRouter({ maxSockets: 1, lookup: createCloudGuard().lookup });
    const transport = createTransport({ timeoutMs: 5_000, router });
    const before = connections;
    try {
      const err = await transport.send({ url: `http://localhost:${port}/v1/items`, label: 'GET /v1/items' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(NetworkSetupError);
      expect((err as NetworkSetupError).code).toBe(REFUSED_CODE);
      expect(connections - before).toBe(0);
    } finally {
      transport.close();
    }
  });

  test('an ApiClient built without admit (as if DNS had answered otherwise then) still never connects: a config_error that stops the sync, not retried', async () => {
    const config = parseConfig({ api_key: 'k-cloud-guard-test', base_url: `http://localhost:${port}`, max_retry_seconds: 5, retry_initial_delay_seconds: 0 });
    const guard = createCloudGuard();
    const lookups = jest.fn(guard.lookup);
    const client = new ApiClient(config, { guard: { ...guard, lookup: lookups } });
    const before = connections;
    try {
      const err = await client.getJson('items', '/v1/items', { limit: 1 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConnectorError);
      expect((err as ConnectorError).failureType).toBe('config_error');
      expect((err as ConnectorError).scope).toBe('sync');
      expect((err as ConnectorError).message).toMatch(/Cloud mode \(DEPLOYMENT_MODE=CLOUD\) reaches only public endpoints/);
      expect(lookups).toHaveBeenCalledTimes(1);
      expect(connections - before).toBe(0);
    } finally {
      client.close();
    }
  });
});
