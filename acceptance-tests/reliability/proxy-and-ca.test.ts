/**
 * Issue 11, "Runs in a locked-down network": the simulator served over HTTPS
 * with a certificate authority made at test time, reached through a forward
 * proxy on 127.0.0.1 that demands credentials and records the tunnels it
 * opened. Real sockets throughout; with CONNECTOR_IMAGE set, the image runs
 * them (`-e` for the variables, the CA mounted at /certs).
 *
 * The proxy password has characters that must be percent-encoded in a URL; it
 * must appear in no output, in any spelling (checked after every run, and for
 * all output at the end).
 */
import { RESOURCES, Simulator, startSimulator } from '../simulator';
import { startConnectProxy, TestProxy } from '../helpers/connect-proxy';
import { catalogOf, collectingRunner, fastConfig, freePort, recordIds, simIds, smallCounts, warnings } from '../helpers/reliability';
import { RunResult } from '../helpers/run-connector';
import { createTestCa, TestCa } from '../helpers/test-ca';

const USER = 'sync-bot';
const PASSWORD = 'Pr0xy p@ss/wörd&=!';
const WRONG_PASSWORD = 'not-the-Pr0xy-password';

const { run, leaks } = collectingRunner();
let ca: TestCa;
let sim: Simulator; // HTTPS, certificate signed by `ca`
let plainSim: Simulator; // HTTP, for absolute-form requests through HTTP_PROXY
let proxy: TestProxy;

beforeAll(async () => {
  ca = createTestCa();
  sim = await startSimulator({ tls: ca.server, counts: smallCounts({ items: 1000 }) });
  plainSim = await startSimulator({ counts: smallCounts({ items: 250 }) });
  proxy = await startConnectProxy({ username: USER, password: PASSWORD });
});
afterAll(async () => {
  await Promise.all([sim?.close(), plainSim?.close(), proxy?.close()]);
  ca?.remove();
});
afterAll(() => expect(leaks([PASSWORD, WRONG_PASSWORD])).toEqual([]));

const simTarget = () => `127.0.0.1:${sim.port}`;
/** What the proxy did during `f`. */
async function watchProxy<T>(f: () => Promise<T>): Promise<{ result: T; tunnels: string[]; refused: number; requests: string[] }> {
  const from = proxy.visits.length;
  const result = await f();
  const seen = proxy.visits.slice(from);
  return {
    result,
    tunnels: seen.filter((v) => v.method === 'CONNECT' && v.status === 200).map((v) => v.target),
    refused: seen.filter((v) => v.status === 407).length,
    requests: seen.filter((v) => v.method !== 'CONNECT').map((v) => `${v.status} ${v.method} ${v.target}`),
  };
}

function expectAllItems(result: RunResult, from: Simulator): void {
  expect(result.errors()).toEqual([]);
  expect(result.code).toBe(0);
  expect(result.statuses('items').at(-1)).toBe('COMPLETE');
  const expected = simIds(from, 'items');
  expect(recordIds(result, 'items')).toEqual([...expected].sort());
  expect(result.records('items')).toHaveLength(expected.length);
}

const viaProxy = (password = PASSWORD, variable = 'HTTPS_PROXY') => ({ [variable]: proxy.url(USER, password) });

describe('through an HTTPS proxy that demands credentials, to the API over TLS signed by a private CA', () => {
  test('check, discover and read pass through it (tunnels seen by the proxy), with keep-alive and max_concurrent_requests kept', async () => {
    const opts = { env: viaProxy(), extraCaFile: ca.caFile };
    const check = await watchProxy(() => run(['check'], { config: fastConfig(sim) }, opts));
    expect(check.result.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
    // check asks the first stream alone, then the other five at once: one tunnel each at most, all to the API.
    expect(new Set(check.tunnels)).toEqual(new Set([simTarget()]));
    expect(check.tunnels.length).toBeLessThanOrEqual(6);

    const discover = await watchProxy(() => run(['discover'], { config: fastConfig(sim) }, opts));
    expect(discover.result.code).toBe(0);
    expect(discover.result.ofType('CATALOG')[0].catalog.streams.map((s: { name: string }) => s.name)).toEqual(RESOURCES);

    const catalog = await catalogOf(run, sim, ['items']);
    const before = sim.stats().requests;
    const read = await watchProxy(() => run(['read'], { config: fastConfig(sim, { max_concurrent_requests: 2 }), catalog }, opts));
    expectAllItems(read.result, sim);
    const pages = sim.stats().requests - before;
    expect(pages).toBeGreaterThanOrEqual(11); // 1,000 items
    // Every request went through the proxy, over at most 2 kept-alive tunnels.
    expect(read.tunnels.length).toBeGreaterThanOrEqual(1);
    expect(read.tunnels.length).toBeLessThanOrEqual(2);
    expect(new Set(read.tunnels)).toEqual(new Set([simTarget()]));
    expect(read.refused).toBe(0);
  });

  test('--debug, a cut body and a 503 through the tunnel: retried as without a proxy, every record, the password nowhere', async () => {
    const catalog = await catalogOf(run, sim, ['items']);
    sim.setFaults([
      { path: '/v1/items', skip: 1, times: 1, drop: 'content-length' },
      { path: '/v1/items', skip: 1, times: 1, status: 503, body: 'html' },
    ]);
    try {
      const read = await watchProxy(() =>
        run(['read', '--debug'], { config: fastConfig(sim, { request_timeout_seconds: 60 }), catalog }, { env: viaProxy(), extraCaFile: ca.caFile, timeoutMs: 20_000 }),
      );
      expectAllItems(read.result, sim);
      expect(read.tunnels.length).toBeGreaterThanOrEqual(1);
      expect(warnings(read.result).some((w) => /closed before the response was complete/.test(w))).toBe(true);
      expect(warnings(read.result).some((w) => /HTTP 503/.test(w))).toBe(true);
      expect(read.result.ofType('LOG').some((m) => m.log.level === 'DEBUG')).toBe(true);
    } finally {
      sim.setFaults([]);
    }
  });

  test('lower-case https_proxy works the same', async () => {
    const catalog = await catalogOf(run, sim, ['items']);
    const read = await watchProxy(() => run(['read'], { config: fastConfig(sim), catalog }, { env: viaProxy(PASSWORD, 'https_proxy'), extraCaFile: ca.caFile }));
    expectAllItems(read.result, sim);
    expect(read.tunnels.length).toBeGreaterThanOrEqual(1);
  });

  test('NO_PROXY: a listed host, host:port or * bypasses the proxy; a host not listed still goes through it', async () => {
    const catalog = await catalogOf(run, sim, ['items']);
    const readWith = (noProxy: string) =>
      watchProxy(() => run(['read'], { config: fastConfig(sim), catalog }, { env: { ...viaProxy(), NO_PROXY: noProxy }, extraCaFile: ca.caFile }));
    for (const bypass of ['127.0.0.1', `localhost, 127.0.0.1:${sim.port}`, '*']) {
      const r = await readWith(bypass);
      expectAllItems(r.result, sim);
      expect({ bypass, tunnels: r.tunnels }).toEqual({ bypass, tunnels: [] });
    }
    for (const other of ['api.example.com,.example.com', `127.0.0.1:${sim.port + 1}`]) {
      const r = await readWith(other);
      expectAllItems(r.result, sim);
      expect({ other, proxied: r.tunnels.length > 0 }).toEqual({ other, proxied: true });
    }
  });

  test('http URLs go to HTTP_PROXY in absolute form, with the credentials', async () => {
    const catalog = await catalogOf(run, sim, ['items']);
    const read = await watchProxy(() => run(['read'], { config: fastConfig(plainSim), catalog }, { env: viaProxy(PASSWORD, 'HTTP_PROXY') }));
    expectAllItems(read.result, plainSim);
    expect(read.requests.length).toBeGreaterThanOrEqual(3);
    for (const r of read.requests) expect(r).toMatch(new RegExp(`^200 GET http://127\\.0\\.0\\.1:${plainSim.port}/v1/items\\?`));
  });
});

describe('failures say what to fix', () => {
  test('wrong proxy credentials: "the proxy at host:port refused the credentials in HTTPS_PROXY", a config_error, not retried', async () => {
    const opts = { env: viaProxy(WRONG_PASSWORD), extraCaFile: ca.caFile };
    const expected = new RegExp(`the proxy at 127\\.0\\.0\\.1:${proxy.port} refused the credentials in HTTPS_PROXY`, 'i');

    const check = await watchProxy(() => run(['check'], { config: fastConfig(sim) }, opts));
    const status = check.result.ofType('CONNECTION_STATUS');
    expect(status).toHaveLength(1);
    expect(status[0].connectionStatus.status).toBe('FAILED');
    expect(status[0].connectionStatus.message).toMatch(expected);
    expect(check.refused).toBe(1); // asked once, not retried

    const catalog = await catalogOf(run, sim, ['items', 'orders']);
    const read = await watchProxy(() => run(['read'], { config: fastConfig(sim), catalog }, opts));
    expect(read.result.code).not.toBe(0);
    expect(read.result.records()).toEqual([]);
    const errors = read.result.errors();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    for (const e of errors) {
      expect(e.failure_type).toBe('config_error');
      expect(e.message).toMatch(expected);
    }
    expect(read.refused).toBe(1); // one refusal stops the whole sync: no retry, no second stream
    expect(warnings(read.result)).toEqual([]);
  });

  test('a proxy that cannot be reached: retried like the API, and the message names the proxy, not the API', async () => {
    const port = await freePort();
    const env = { HTTPS_PROXY: `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}` };
    const names = new RegExp(`proxy at 127\\.0\\.0\\.1:${port}`);

    const check = await run(['check'], { config: fastConfig(sim) }, { env, extraCaFile: ca.caFile });
    const status = check.ofType('CONNECTION_STATUS');
    expect(status).toHaveLength(1);
    expect(status[0].connectionStatus.status).toBe('FAILED');
    expect(status[0].connectionStatus.message).toMatch(names);
    expect(status[0].connectionStatus.message).toMatch(/HTTPS_PROXY/);
    expect(status[0].connectionStatus.message).not.toContain(sim.url);

    const catalog = await catalogOf(run, sim, ['items']);
    const read = await run(['read'], { config: fastConfig(sim, { max_retry_seconds: 1 }), catalog }, { env, extraCaFile: ca.caFile });
    expect(read.code).not.toBe(0);
    const error = read.errors().find((e) => e.failure_type === 'transient_error');
    expect(error?.message).toMatch(names);
    expect(error?.message).not.toContain(sim.url);
    const retries = warnings(read).filter((w) => names.test(w));
    expect(retries.length).toBeGreaterThanOrEqual(2); // retried, like an API that refuses connections
  });

  test.each([
    ['straight to the API', {}],
    ['through the proxy', { HTTPS_PROXY: 'proxy' }],
  ])('a certificate no trusted authority signed (%s): a config_error at once, not retried, that says to add the authority with NODE_EXTRA_CA_CERTS', async (_how, flags) => {
    const env = 'HTTPS_PROXY' in flags ? viaProxy() : {};
    const before = sim.stats().requests;

    const check = await run(['check'], { config: fastConfig(sim) }, { env });
    const status = check.ofType('CONNECTION_STATUS');
    expect(status).toHaveLength(1);
    expect(status[0].connectionStatus.status).toBe('FAILED');
    expect(status[0].connectionStatus.message).toMatch(/NODE_EXTRA_CA_CERTS/);
    expect(status[0].connectionStatus.message).toContain(`127.0.0.1:${sim.port}`);

    const catalog = await catalogOf(run, sim, ['items', 'orders']);
    const read = await run(['read'], { config: fastConfig(sim), catalog }, { env });
    expect(read.code).not.toBe(0);
    expect(read.records()).toEqual([]);
    const errors = read.errors();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    for (const e of errors) {
      expect(e.failure_type).toBe('config_error');
      expect(e.message).toMatch(/NODE_EXTRA_CA_CERTS/);
    }
    expect(warnings(read)).toEqual([]); // not retried
    expect(sim.stats().requests).toBe(before); // no request got past the TLS handshake
  });

  test('a proxy variable that is not a URL: a config_error that names the variable and never quotes it', async () => {
    const garbled = `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:70000`; // no such port
    const catalog = await catalogOf(run, sim, ['items']);
    const read = await run(['read', '--debug'], { config: fastConfig(sim), catalog }, { env: { HTTPS_PROXY: garbled }, extraCaFile: ca.caFile, secrets: [garbled] });
    expect(read.code).not.toBe(0);
    const errors = read.errors();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0].failure_type).toBe('config_error');
    expect(errors[0].message).toMatch(/^HTTPS_PROXY is not a valid proxy URL/);
  });
});

