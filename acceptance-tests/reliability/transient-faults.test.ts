/**
 * Issue 4, "Transient faults": 429/500/502/503/504 with any body, connections
 * dropped mid-response, refused connections and timeouts are retried, and the
 * read still delivers exactly the simulator's records. Each retry shows up as a
 * WARN log; none of it leaks the key.
 */
import { FaultRule, Simulator, startSimulator } from '../simulator';
import { catalogOf, collectingRunner, fastConfig, freePort, recordIds, simIds, smallCounts, warnings } from '../helpers/reliability';
import { RunResult } from '../helpers/run-connector';

const { run, leaks } = collectingRunner();
const ITEMS = 250; // three pages
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ counts: smallCounts({ items: ITEMS }) });
});
afterAll(() => sim.close());
afterAll(() => expect(leaks()).toEqual([]));

/** Reads `items` with `faults` armed; returns the result and what the simulator answered meanwhile. */
async function readItemsWith(faults: FaultRule[], extra: Record<string, unknown> = {}) {
  const catalog = await catalogOf(run, sim, ['items']);
  const before = sim.stats().byStatus;
  sim.setFaults(faults);
  try {
    const result = await run(['read'], { config: fastConfig(sim, extra), catalog });
    const after = sim.stats().byStatus;
    const answered = (status: number) => (after[status] ?? 0) - (before[status] ?? 0);
    return { result, answered };
  } finally {
    sim.setFaults([]);
  }
}

function expectExactlyTheSimulatorsItems(result: RunResult): void {
  expect(result.errors()).toEqual([]);
  expect(result.code).toBe(0);
  expect(result.statuses('items')).toEqual(expect.arrayContaining(['STARTED', 'COMPLETE']));
  expect(result.statuses('items')).not.toContain('INCOMPLETE');
  const expected = simIds(sim, 'items');
  expect(recordIds(result, 'items')).toEqual([...expected].sort());
  expect(result.records('items')).toHaveLength(expected.length); // no record twice
}

const STATUSES = [429, 500, 502, 503, 504];
const BODIES = ['json', 'html', 'empty'] as const;
const cases = STATUSES.flatMap((status) => BODIES.map((body) => [status, body] as const));

describe('HTTP errors the API may recover from', () => {
  test.each(cases)('HTTP %i with a %s body, twice on the second page: retried, every record read once', async (status, body) => {
    const rule: FaultRule = { path: '/v1/items', skip: 1, times: 2, status, body };
    if (status === 429) rule.retryAfter = { seconds: 0 };
    const { result, answered } = await readItemsWith([rule]);
    expect(answered(status)).toBe(2); // the faults did fire
    expectExactlyTheSimulatorsItems(result);
    const retries = warnings(result).filter((w) => w.includes('items') && w.includes(`HTTP ${status}`));
    expect(retries.length).toBeGreaterThanOrEqual(2);
  });
});

describe('failures below HTTP', () => {
  test.each([
    ['a 200 whose body is cut off mid-response', { status: 200, drop: true }],
    ['a 503 whose body is cut off mid-response', { status: 503, drop: true }],
  ] as const)('connection dropped: %s, twice — retried, every record read once', async (_name, fault) => {
    const { result, answered } = await readItemsWith([{ path: '/v1/items', skip: 1, times: 2, ...fault }]);
    expect(answered(fault.status)).toBeGreaterThanOrEqual(2);
    expectExactlyTheSimulatorsItems(result);
    expect(warnings(result).filter((w) => w.includes('items')).length).toBeGreaterThanOrEqual(2);
  });

  test('request timeout: the API hangs longer than request_timeout_seconds, twice — abandoned, retried, every record read once', async () => {
    const { result } = await readItemsWith([{ path: '/v1/items', skip: 1, times: 2, hangMs: 2500 }], { request_timeout_seconds: 0.5 });
    expectExactlyTheSimulatorsItems(result);
    const retries = warnings(result).filter((w) => w.includes('items') && /within 0\.5 s|time/i.test(w));
    expect(retries.length).toBeGreaterThanOrEqual(2);
  });
});


describe('connection refused', () => {
  const late = async (port: number, afterMs: number): Promise<Simulator> => {
    await new Promise((r) => setTimeout(r, afterMs));
    return startSimulator({ port, counts: smallCounts({ items: ITEMS }) });
  };

  test('read: the API only starts listening after the connector has been refused — retried, every record read', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const catalog = await catalogOf(run, sim, ['items']);
    const [result, lateSim] = await Promise.all([
      run(['read'], { config: fastConfig({ url }, { max_retry_seconds: 30 }), catalog }),
      late(port, 2000),
    ]);
    try {
      expect(result.errors()).toEqual([]);
      expect(result.code).toBe(0);
      expect(result.statuses('items')).toContain('COMPLETE');
      expect(recordIds(result, 'items')).toEqual(simIds(lateSim, 'items').sort());
      expect(warnings(result).some((w) => /refused/i.test(w))).toBe(true);
    } finally {
      await lateSim.close();
    }
  });

  test('check: the API only starts listening after the connector has been refused — check retries and SUCCEEDS', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const [result, lateSim] = await Promise.all([run(['check'], { config: fastConfig({ url }) }), late(port, 1500)]);
    try {
      expect(result.code).toBe(0);
      const statuses = result.ofType('CONNECTION_STATUS');
      expect(statuses).toHaveLength(1);
      expect(statuses[0].connectionStatus.status).toBe('SUCCEEDED');
      expect(lateSim.stats().requests).toBeGreaterThanOrEqual(1);
    } finally {
      await lateSim.close();
    }
  });

  test('check: nothing ever listens — exactly one CONNECTION_STATUS FAILED that says the connection was refused, exit 0', async () => {
    const port = await freePort();
    const result = await run(['check'], { config: fastConfig({ url: `http://127.0.0.1:${port}` }) });
    expect(result.code).toBe(0);
    const statuses = result.ofType('CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0].connectionStatus.status).toBe('FAILED');
    expect(statuses[0].connectionStatus.message).toMatch(/refused/i);
    expect(statuses[0].connectionStatus.message).toMatch(/base_url|network/);
  });

  test('read: nothing ever listens — the stream ends INCOMPLETE with a transient_error, exit non-zero, no record', async () => {
    const port = await freePort();
    const catalog = await catalogOf(run, sim, ['items']);
    const result = await run(['read'], { config: fastConfig({ url: `http://127.0.0.1:${port}` }, { max_retry_seconds: 1 }), catalog });
    expect(result.code).not.toBe(0);
    expect(result.records()).toEqual([]);
    expect(result.statuses('items').at(-1)).toBe('INCOMPLETE');
    const errors = result.errors();
    expect(errors.map((e) => e.failure_type)).toContain('transient_error');
    expect(errors.find((e) => e.failure_type === 'transient_error')?.message).toMatch(/refused/);
    expect(warnings(result).some((w) => /refused/i.test(w))).toBe(true);
  });
});
