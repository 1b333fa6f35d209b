/**
 * Issue 9, "One outage, one budget": when a stream fails because the API kept
 * answering 5xx for its whole max_retry_seconds, each later stream first
 * probes with a single request on a short budget (limit=1), and fails at once
 * if the probe fails too, instead of spending its own full budget on page
 * requests. An endpoint broken on its own costs the other streams nothing:
 * their probe succeeds and they read with their full budget.
 */
import { RESOURCES, Simulator, startSimulator } from '../simulator';
import { catalogOf, collectingRunner, fastConfig, recordIds, simIds, smallCounts } from '../helpers/reliability';
import { RunResult } from '../helpers/run-connector';

const { run, leaks } = collectingRunner();
afterAll(() => expect(leaks()).toEqual([]));

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ counts: smallCounts({ customers: 250, orders: 250 }) });
});
afterAll(() => sim.close());

/** The requests the simulator saw for a path during `during`, with their `limit`. */
async function requestsDuring<T>(during: () => Promise<T>): Promise<{ value: T; limits: (path: string) => string[] }> {
  const before = sim.stats().log.length;
  const value = await during();
  const log = sim.stats().log.slice(before);
  return { value, limits: (path) => log.filter((e) => e.path === path).map((e) => e.query.limit) };
}

describe('the whole API down (every request answered 503)', () => {
  let result: RunResult;
  let limits: (path: string) => string[];

  beforeAll(async () => {
    const catalog = await catalogOf(run, sim, [...RESOURCES], 'incremental');
    sim.setFaults([{ status: 503, body: 'html', times: Infinity }]);
    try {
      ({ value: result, limits } = await requestsDuring(() => run(['read'], { config: fastConfig(sim, { max_retry_seconds: 4 }), catalog })));
    } finally {
      sim.setFaults([]);
    }
  });

  test('the first stream spends its budget; every later one probes with a single request (limit=1), never a page', () => {
    expect(limits('/v1/stock_summaries').filter((l) => l === '100').length).toBeGreaterThan(1);
    for (const r of RESOURCES.slice(1)) {
      const l = limits(`/v1/${r}`);
      expect({ r, probed: l.length > 0, pages: l.filter((x) => x !== '1') }).toEqual({ r, probed: true, pages: [] });
    }
  });

  test('every stream ends INCOMPLETE with a transient_error naming it; later ones name the outage that started it; the read exits non-zero', () => {
    expect(result.code).not.toBe(0);
    for (const r of RESOURCES) {
      expect(result.statuses(r).at(-1)).toBe('INCOMPLETE');
      const errors = result.errors().filter((e) => e.stream_descriptor?.name === r);
      expect(errors).toHaveLength(1);
      expect(errors[0].failure_type).toBe('transient_error');
      expect(errors[0].message).toContain(r);
    }
    for (const r of RESOURCES.slice(1)) {
      const e = result.errors().find((x) => x.stream_descriptor?.name === r)!;
      expect(e.message).toMatch(new RegExp(`Stream ${r} was not read: the API is still unavailable.*HTTP 503.*after stream stock_summaries spent its whole retry budget`));
    }
    expect(result.records()).toEqual([]);
  });
});

describe('one endpoint broken on its own, first in the catalog', () => {
  let result: RunResult;
  let limits: (path: string) => string[];

  beforeAll(async () => {
    const catalog = await catalogOf(run, sim, [...RESOURCES], 'incremental');
    sim.setFaults([
      { path: '/v1/stock_summaries', status: 503, times: Infinity },
      // After customers' probe, 7 failures in a row: with backoff from 50 ms (equal jitter) they take 3.2 to 6.4 s,
      // more than a probe's budget and less than the stream's max_retry_seconds.
      { path: '/v1/customers', skip: 1, status: 502, times: 7 },
    ]);
    try {
      ({ value: result, limits } = await requestsDuring(() => run(['read'], { config: fastConfig(sim, { max_retry_seconds: 8 }), catalog })));
    } finally {
      sim.setFaults([]);
    }
  });

  test('that stream fails; the next one probes once, then reads with its full budget: the five others are COMPLETE with every record', () => {
    expect(result.statuses('stock_summaries').at(-1)).toBe('INCOMPLETE');
    expect(result.errors().map((e) => [e.stream_descriptor?.name, e.failure_type])).toEqual([['stock_summaries', 'transient_error']]);
    expect(limits('/v1/customers')[0]).toBe('1');
    for (const r of RESOURCES.slice(1)) {
      expect(result.statuses(r).at(-1)).toBe('COMPLETE');
      expect(recordIds(result, r)).toEqual([...simIds(sim, r)].sort());
    }
    expect(result.code).not.toBe(0);
  });
});
