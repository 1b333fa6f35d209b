/**
 * Issue 10, "Check reports access per stream", end to end: the compiled connector
 * against the simulator, whose per-key access (forbiddenByKey) gives one key every
 * stream, one key all but orders and items, and one key none. check reads one
 * single-record page of every stream; SUCCEEDED while at least one is readable,
 * naming every stream the key may not read; FAILED when none is or the key is
 * rejected; a rate-limited key hears when to try again. Its words are about check.
 */
import fetch from 'node-fetch';
import { RESOURCES, Simulator, startSimulator } from './simulator';
import { catalogOf, collectingRunner, fastConfig, recordIds, simIds, smallCounts } from './helpers/reliability';
import { RunResult } from './helpers/run-connector';

const FULL = 'full-key-0001';
const LIMITED = 'limited-key-0002';
const NONE = 'no-access-key-0003';
const { run, leaks } = collectingRunner();
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    counts: smallCounts({ customers: 30, orders: 30 }),
    apiKeys: [FULL, LIMITED, NONE],
    forbiddenByKey: { [LIMITED]: ['orders', 'items'], [NONE]: [...RESOURCES] },
  });
});
afterAll(() => sim.close());
afterAll(() => expect(leaks([FULL, LIMITED, NONE])).toEqual([]));

const check = (apiKey: string, on: { url: string } = sim) => run(['check'], { config: fastConfig(on, { api_key: apiKey }) });
const statusOf = (r: RunResult) => {
  const statuses = r.ofType('CONNECTION_STATUS');
  expect(statuses).toHaveLength(1);
  expect(r.code).toBe(0);
  return statuses[0].connectionStatus as { status: string; message: string };
};
/** check's words are check's: no sync, checkpoint, records or state talk. */
const speaksOfCheck = (message: string) => {
  expect(message).toMatch(/^Check /);
  expect(message).not.toMatch(/\bsync(?!ed)|checkpoint|records|\bstate\b|resumes/i);
};

test('a key that may read every stream: SUCCEEDED, one limit=1 request per stream', async () => {
  const before = sim.stats().log.length;
  const { status, message } = statusOf(await check(FULL));
  expect(status).toBe('SUCCEEDED');
  expect(message).toContain('all 6 streams');
  speaksOfCheck(message);
  const requests = sim.stats().log.slice(before);
  expect(requests.map((r) => r.path).sort()).toEqual(RESOURCES.map((r) => `/v1/${r}`).sort());
  expect(requests.every((r) => r.query.limit === '1' && r.status === 200)).toBe(true);
});

test('a key that may not read orders and items: SUCCEEDED, naming both, saying to deselect them or ask for access', async () => {
  const { status, message } = statusOf(await check(LIMITED));
  expect(status).toBe('SUCCEEDED');
  expect(message).toMatch(/4 of 6 streams/);
  expect(message).toMatch(/may not read (items, orders|orders, items) \(HTTP 403\)/);
  expect(message).toMatch(/deselect them/);
  expect(message).toMatch(/access/);
  speaksOfCheck(message);
});

test('what check said is what a read of that key does: orders and items INCOMPLETE with a 403, the others COMPLETE', async () => {
  const catalog = await catalogOf(run, sim, ['customers', 'items', 'orders'], 'full_refresh');
  const result = await run(['read'], { config: fastConfig(sim, { api_key: LIMITED }), catalog });
  expect(result.code).not.toBe(0);
  for (const s of ['items', 'orders']) expect(result.statuses(s).at(-1)).toBe('INCOMPLETE');
  expect(result.statuses('customers').at(-1)).toBe('COMPLETE');
  expect(recordIds(result, 'customers')).toEqual(simIds(sim, 'customers').sort());
  expect(result.errors().map((e) => [e.stream_descriptor?.name, e.failure_type]).sort()).toEqual([
    ['items', 'config_error'],
    ['orders', 'config_error'],
  ]);
});

test('a key that may read no stream: FAILED, saying it may read none of them', async () => {
  const { status, message } = statusOf(await check(NONE));
  expect(status).toBe('FAILED');
  expect(message).toMatch(/may not read any of the 6 streams \(HTTP 403/);
  speaksOfCheck(message);
});

test('a rejected key: FAILED, pointing at the API key, after one request (the others would be rejected too)', async () => {
  const before = sim.stats().byStatus[401] ?? 0;
  const { status, message } = statusOf(await check('revoked-key-0004'));
  expect(status).toBe('FAILED');
  expect(message).toMatch(/api_key.*HTTP 401/);
  speaksOfCheck(message);
  expect((sim.stats().byStatus[401] ?? 0) - before).toBe(1);
});

test('a key the API is rate limiting right now: FAILED, saying so and to try again in N s, N from Retry-After', async () => {
  // 0.02 requests/s: once the key's one token is spent, Retry-After says 50 s.
  const limited = await startSimulator({ counts: smallCounts(), apiKeys: [FULL], rateLimit: { perSecond: 0.02, burst: 1 } });
  try {
    const spend = await fetch(`${limited.url}/v1/items?limit=1&api_key=${FULL}`);
    expect(spend.status).toBe(200);
    const probe = await fetch(`${limited.url}/v1/items?limit=1&api_key=${FULL}`);
    expect(probe.status).toBe(429);
    const asked = Number(probe.headers.get('retry-after'));
    const { status, message } = statusOf(await check(FULL, limited));
    expect(status).toBe('FAILED');
    expect(message).toContain('the API is rate limiting this key right now');
    const n = Number(/try again in (\d+) s/.exec(message)?.[1]);
    expect(n).toBeGreaterThanOrEqual(asked - 5); // the same wait, a few seconds later
    expect(n).toBeLessThanOrEqual(asked);
    speaksOfCheck(message);
  } finally {
    await limited.close();
  }
});

test('the API is not there: FAILED, saying it could not reach it and what to check', async () => {
  const gone = await startSimulator({ counts: smallCounts() });
  const url = gone.url;
  await gone.close();
  const { status, message } = statusOf(await check(FULL, { url }));
  expect(status).toBe('FAILED');
  expect(message).toMatch(/refused/);
  expect(message).toMatch(/base_url/);
  speaksOfCheck(message);
});
