/**
 * Issue 4, "The key": the api_key must not appear in any stdout or stderr line,
 * raw or encoded, on any path. The key here contains characters that
 * percent-encoding changes (+ / & =), so a URL that is logged verbatim shows
 * an encoded spelling a raw search would miss. Every run's output is kept and
 * searched at the end for every spelling, and for fragments of the key (a
 * truncated URL or error snippet leaks part of it).
 *
 * Each of the other reliability files also collects all of its runs' output
 * and fails on any spelling of its key (see collectingRunner).
 */
import { Simulator, startSimulator } from '../simulator';
import { catalogOf, collectingRunner, fastConfig, secretVariants, smallCounts } from '../helpers/reliability';
import { RunResult } from '../helpers/run-connector';

const KEY = 'k3y+with/slash&=';
const { run, outputs, leaks } = collectingRunner();
let sim: Simulator;
/** Every 8-character window of every spelling of the key: what a truncated URL or a parser's snippet would carry. */
const FRAGMENTS = [...new Set(secretVariants(KEY).flatMap((v) => Array.from({ length: v.length - 7 }, (_, i) => v.slice(i, i + 8))))];
const fragmentsIn = (text: string) => FRAGMENTS.filter((f) => text.includes(f));
const config = (extra: Record<string, unknown> = {}) => fastConfig(sim, { api_key: KEY, ...extra });

beforeAll(async () => {
  sim = await startSimulator({ counts: smallCounts({ items: 250, customers: 20, orders: 20 }), apiKeys: [KEY] });
});
afterAll(() => sim.close());

test('the key really is changed by percent-encoding (otherwise this file proves little)', () => {
  expect(encodeURIComponent(KEY)).not.toBe(KEY);
  expect(new URLSearchParams({ api_key: KEY }).toString()).not.toContain(KEY);
  expect(secretVariants(KEY).length).toBeGreaterThanOrEqual(3);
});

test('check and discover with the key', async () => {
  const check = await run(['--debug', 'check'], { config: config() });
  expect(check.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
  const discover = await run(['discover'], { config: config() });
  expect(discover.code).toBe(0);
});

test('--debug read through retried faults, a timeout, a dropped connection, a 403, a 400 and a malformed page', async () => {
  sim.setOptions({ forbidden: ['inventory'] });
  sim.setFaults([
    { path: '/v1/items', skip: 1, times: 1, status: 500, body: 'html' },
    { path: '/v1/items', times: 1, status: 429, retryAfter: { seconds: 0 } },
    { path: '/v1/items', times: 1, status: 503, drop: true },
    { path: '/v1/items', times: 1, hangMs: 1500 },
    { path: '/v1/customers', times: 1, status: 400 },
    { path: '/v1/orders', times: 1, status: 200, body: 'bad-updated_at' },
  ]);
  try {
    const catalog = await catalogOf(run, sim, ['items', 'customers', 'orders', 'inventory']);
    const result = await run(['read', '--debug'], { config: config({ request_timeout_seconds: 0.5 }), catalog });
    expect(result.code).not.toBe(0);
    expect(result.statuses('items').at(-1)).toBe('COMPLETE');
    for (const s of ['customers', 'orders', 'inventory']) expect(result.statuses(s).at(-1)).toBe('INCOMPLETE');
    expect(result.errors().length).toBe(3);
    expect(result.errors().some((e) => e.stack_trace)).toBe(true); // system_errors carry a stack: it must be clean too
  } finally {
    sim.setFaults([]);
    sim.setOptions({ forbidden: [] });
  }
});

test('the key is revoked mid-life: check and read report the rejected key without quoting it', async () => {
  sim.setOptions({ apiKeys: ['another-key'] });
  try {
    const check = await run(['check'], { config: config() });
    expect(check.ofType('CONNECTION_STATUS')[0].connectionStatus.status).toBe('FAILED');
    const read = await run(['read', '--debug'], { config: config(), catalog: await catalogOf(run, sim, ['items']) });
    expect(read.errors()[0].failure_type).toBe('config_error');
  } finally {
    sim.setOptions({ apiKeys: [KEY] });
  }
});

test('a config that fails the spec still never echoes the key', async () => {
  const r = await run(['read'], { config: config({ base_url: `http://x/?api_key=${KEY}`, burst: KEY }), catalog: await catalogOf(run, sim, ['items']) });
  expect(r.errors()[0].failure_type).toBe('config_error');
});

test.each([
  ['the key unquoted', `{"api_key": ${KEY}}`],
  ['a trailing bracket after the key', `{"api_key":"${KEY}"]`],
  ['a query string instead of JSON', `api_key=${KEY}`],
])('a config file that is not JSON (%s) does not quote the key in the parse error', async (_name, configText) => {
  let result: RunResult | undefined;
  let leak: Error | undefined;
  try {
    result = await run(['check'], { configText }, { secrets: [KEY] });
  } catch (err) {
    leak = err as Error;
  }
  expect(leak?.message).toBeUndefined();
  expect(result!.ofType('CONNECTION_STATUS')[0].connectionStatus.status).toBe('FAILED');
  expect(fragmentsIn(result!.stdout + result!.stderr)).toEqual([]);
});

test('a config file that is not JSON with a short key unquoted: the whole key must not be quoted back', async () => {
  const short = 's3cr+t/k';
  const outcome = await run(['read'], { configText: `{"api_key": ${short}}`, catalog: { streams: [] } }, { secrets: [short] }).then(
    (r) => ({ leak: undefined, failure: r.errors()[0]?.failure_type }),
    (err: Error) => ({ leak: err.message, failure: undefined }),
  );
  expect(outcome).toEqual({ leak: undefined, failure: 'config_error' });
});

test('all output of all runs of this file: no spelling of the key, and no fragment of it', () => {
  expect(outputs.length).toBeGreaterThanOrEqual(8);
  expect(leaks([KEY])).toEqual([]);
  const found = outputs.flatMap((o) => fragmentsIn(o.stdout + o.stderr).map((f) => `${o.command}: ${f}`));
  expect(found).toEqual([]);
});
