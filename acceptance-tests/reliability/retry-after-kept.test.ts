/**
 * Issue 16, point 4, "Retry-After is a promise every request keeps": when an
 * answer asks for a wait (a 429, or a 503, with Retry-After), no request of the
 * run goes out before that wait is over: not the retry of that request, not
 * the pages in flight beside it, not the retries of bodies cut short, not a
 * request that already held a rate-limiter token when the wait began. The
 * wait holds when the answer that asks for it is itself cut short, and when
 * the API's clock (its Date header) is skewed from ours.
 *
 * The simulator counts the requests that broke a wait (simulator/waits.ts): a
 * request counts only if it arrived before the instant the wait named AND its
 * client had provably read the answer that asked for it when it sent the
 * request (it came on a connection whose last answer was that one, or one
 * written after it). Why that proves it: over HTTP/1.1 without pipelining a
 * client writes its next request on a connection only after it has read the
 * previous answer there, and an answer written after the one that asked for
 * the wait reached the client after it, on the same loopback. A request that
 * may have been on the wire already (on a fresh connection, or on one whose
 * last answer came earlier) is counted apart as "unprovable" and printed,
 * never asserted on. The instant a wait ends is the simulator's: a
 * delta-seconds Retry-After counts from when it wrote the answer (no client
 * can have had it earlier), an HTTP-date is converted from the API's clock,
 * skewed or not. No duration of the connector is asserted: the count is of
 * requests, the instants are the simulator's own.
 *
 * Also: after a stream failed on an outage, the next stream's probe (a single
 * request on a 2-second budget) obeys a Retry-After of 3 s within the stream's
 * own max_retry_seconds instead of failing on it; and a Retry-After of an hour,
 * far past max_retry_seconds, ends the read at once without a request inside
 * it, instead of holding every later request for the hour.
 */
import { FaultRule, RESOURCES, Resource, Simulator, SimulatorStats, startSimulator } from '../simulator';
import { catalogOf, collectingRunner, everyStream, fastConfig, recordIds, simIds } from '../helpers/reliability';
import { RunResult } from '../helpers/run-connector';

const { run, leaks } = collectingRunner();
afterAll(() => expect(leaks()).toEqual([]));

const PER_STREAM = 500; // six pages each: several pages in flight at once
/** Room for every wait below; requests time out well after any of them. */
const CONFIG = { max_retry_seconds: 20, request_timeout_seconds: 10 };
/** A connector that sleeps on a wait it misread (an hour, on a skewed clock) fails here, not in jest. */
const RUN_LIMIT_MS = 90_000;

function expectEveryRecord(sim: Simulator, result: RunResult, streams: readonly Resource[]): void {
  expect(result.errors()).toEqual([]);
  expect(result.code).toBe(0);
  for (const s of streams) {
    expect([s, result.statuses(s).at(-1)]).toEqual([s, 'COMPLETE']);
    expect(recordIds(result, s)).toEqual([...simIds(sim, s)].sort());
  }
}

/** What the simulator counted during `during`. */
async function waitsDuring(sim: Simulator, during: () => Promise<RunResult>): Promise<{ result: RunResult; waits: SimulatorStats['waits']; byStatus: Record<number, number> }> {
  const before = sim.stats();
  const result = await during();
  const after = sim.stats();
  const byStatus: Record<number, number> = {};
  for (const [status, n] of Object.entries(after.byStatus)) byStatus[Number(status)] = n - (before.byStatus[Number(status)] ?? 0);
  return {
    result,
    byStatus,
    waits: {
      announced: after.waits.announced - before.waits.announced,
      breaches: after.waits.breaches.slice(before.waits.breaches.length),
      unprovable: after.waits.unprovable - before.waits.unprovable,
    },
  };
}

function report(name: string, waits: SimulatorStats['waits']): void {
  console.log(
    `${name}: ${waits.announced} answers asked for a wait; ${waits.breaches.length} request(s) broke one` +
      ` (${waits.unprovable} more arrived inside one but may have been on the wire already)` +
      (waits.breaches.length ? `; first: ${JSON.stringify(waits.breaches[0])}` : ''),
  );
}

describe('a six-stream read with 5xx, 429s carrying an HTTP-date Retry-After, 503s carrying Retry-After, and bodies cut short', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ counts: everyStream(PER_STREAM) });
  });
  afterAll(() => sim.close());

  /**
   * The rules of one path fire in turn (each `skip` counts the requests after the previous rule fired).
   * Every stream gets a 429 with an HTTP-date, a 500, a 200 page cut under its Content-Length, a 503 with
   * Retry-After and a dropped chunked page; on every other stream the 429 is itself cut short, and on
   * every third one the 503.
   */
  function faults(): FaultRule[] {
    return RESOURCES.flatMap((r, i): FaultRule[] => {
      const path = `/v1/${r}`;
      return [
        { path, skip: 1, status: 429, retryAfter: { httpDateInSeconds: 1 }, ...(i % 2 ? { drop: 'content-length' as const } : {}) },
        { path, status: 500 },
        { path, skip: 1, drop: 'content-length' },
        { path, status: 503, body: 'html', retryAfter: { seconds: 1 }, ...(i % 3 === 0 ? { drop: 'content-length' as const } : {}) },
        { path, drop: true },
      ];
    });
  }

  test('every stream COMPLETE with every record, and not one request inside a wait the API asked for', async () => {
    const catalog = await catalogOf(run, sim, RESOURCES);
    sim.setFaults(faults());
    let counted;
    try {
      counted = await waitsDuring(sim, () => run(['read'], { config: fastConfig(sim, CONFIG), catalog }, { timeoutMs: RUN_LIMIT_MS }));
    } finally {
      sim.setFaults([]);
    }
    const { result, waits, byStatus } = counted;
    report('six streams', waits);
    // Every announcing fault fired: one 429 and one 503 with Retry-After per stream.
    expect([byStatus[429], byStatus[503], waits.announced]).toEqual([6, 6, 12]);
    expectEveryRecord(sim, result, RESOURCES);
    expect(waits.breaches).toEqual([]);
  });
});

describe("the API's clock is skewed from ours (its Date header): an HTTP-date Retry-After is read against the API's Date", () => {
  const streams: Resource[] = ['customers', 'items'];
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ counts: { customers: PER_STREAM, items: PER_STREAM } });
  });
  afterAll(() => sim.close());

  test.each([
    ['1 h behind', -3_600_000],
    ['30 s behind', -30_000],
    ['30 s ahead', 30_000],
    ['1 h ahead', 3_600_000],
  ])('API clock %s: both streams COMPLETE, no request inside a wait', async (name, skewMs) => {
    const catalog = await catalogOf(run, sim, streams);
    sim.setOptions({ dateSkewMs: skewMs });
    sim.setFaults(
      streams.flatMap((r): FaultRule[] => [
        { path: `/v1/${r}`, skip: 1, status: 429, retryAfter: { httpDateInSeconds: 2 } },
        { path: `/v1/${r}`, skip: 1, status: 429, retryAfter: { httpDateInSeconds: 1 }, drop: 'content-length' },
      ]),
    );
    let counted;
    try {
      counted = await waitsDuring(sim, () => run(['read'], { config: fastConfig(sim, CONFIG), catalog }, { timeoutMs: RUN_LIMIT_MS }));
    } finally {
      sim.setFaults([]);
      sim.setOptions({ dateSkewMs: 0 });
    }
    const { result, waits } = counted;
    report(`API clock ${name}`, waits);
    expect(waits.announced).toBe(4);
    expectEveryRecord(sim, result, streams);
    expect(waits.breaches).toEqual([]);
  });
});

describe('requests that held a token when the wait began', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ counts: { customers: 5 } });
  });
  afterAll(() => sim.close());

  test('check on one connection (max_concurrent_requests 1): the probes queued for it behind a 429 are not written inside its wait', async () => {
    // check asks the first stream alone, then the other five at once: with one socket, four of them wait for
    // it, their tokens already taken, while the first of the five gets a 429. That socket is then free.
    sim.setFaults([{ skip: 1, status: 429, retryAfter: { seconds: 2 } }]);
    let counted;
    try {
      counted = await waitsDuring(sim, () => run(['check'], { config: fastConfig(sim, { max_concurrent_requests: 1 }) }, { timeoutMs: RUN_LIMIT_MS }));
    } finally {
      sim.setFaults([]);
    }
    const { result, waits } = counted;
    report('check on one connection', waits);
    expect(waits.announced).toBe(1);
    const statuses = result.ofType('CONNECTION_STATUS');
    expect(statuses.map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
    expect(statuses[0].connectionStatus.message).toContain('can read all 6 streams');
    expect(waits.breaches).toEqual([]);
  });
});

describe('a wait longer than the budget', () => {
  let sim: Simulator;
  // Its own simulator: the hour it asks for would count every later request of the file as a breach.
  beforeAll(async () => {
    sim = await startSimulator({ counts: { customers: 250, items: 250 } });
  });
  afterAll(() => sim.close());

  test('a Retry-After of an hour, far past max_retry_seconds: the read ends at once, nothing sent inside the wait, every stream INCOMPLETE', async () => {
    const streams: Resource[] = ['customers', 'items'];
    const catalog = await catalogOf(run, sim, streams);
    sim.setFaults([{ path: '/v1/customers', skip: 1, status: 429, retryAfter: { seconds: 3600 } }]);
    let counted;
    try {
      // Waiting out the hour would outlast this run by far; sending inside it would break the wait. One page in
      // flight: no request can be on the wire beside the one the hour is asked on, so none is unprovable.
      counted = await waitsDuring(sim, () =>
        run(['read'], { config: fastConfig(sim, { max_retry_seconds: 8, request_timeout_seconds: 10, max_concurrent_requests: 1 }), catalog }, { timeoutMs: 30_000 }),
      );
    } finally {
      sim.setFaults([]);
    }
    const { result, waits } = counted;
    report('a wait of an hour', waits);
    expect(waits.announced).toBe(1);
    expect(result.code).not.toBe(0);
    for (const s of streams) {
      expect([s, result.statuses(s).at(-1)]).toEqual([s, 'INCOMPLETE']);
      const errors = result.errors().filter((e) => e.stream_descriptor?.name === s);
      expect(errors.map((e) => e.failure_type)).toEqual(['transient_error']);
      expect(errors[0].message).toMatch(/HTTP 429/);
    }
    expect(waits.breaches).toEqual([]);
    expect(waits.unprovable).toBe(0);
  });
});

describe("the outage probe obeys a Retry-After within the stream's own budget", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ counts: { stock_summaries: 5, customers: 250 } });
  });
  afterAll(() => sim.close());

  test("a stream fails on an outage; the next stream's probe gets a 429 with Retry-After 3 s: it waits, then reads, COMPLETE", async () => {
    const catalog = await catalogOf(run, sim, ['stock_summaries', 'customers']);
    const logStart = sim.stats().log.length;
    sim.setFaults([
      { path: '/v1/stock_summaries', status: 503, times: Infinity },
      { path: '/v1/customers', status: 429, retryAfter: { seconds: 3 } },
    ]);
    let counted;
    try {
      // max_retry_seconds 8: stock_summaries spends it; 3 s is more than a probe's 2 s, well within 8.
      counted = await waitsDuring(sim, () =>
        run(['read'], { config: fastConfig(sim, { max_retry_seconds: 8, request_timeout_seconds: 10 }), catalog }, { timeoutMs: RUN_LIMIT_MS }),
      );
    } finally {
      sim.setFaults([]);
    }
    const { result, waits } = counted;
    expect(result.statuses('stock_summaries').at(-1)).toBe('INCOMPLETE');
    expect(result.errors().map((e) => [e.stream_descriptor?.name, e.failure_type])).toEqual([['stock_summaries', 'transient_error']]);
    const customers = sim.stats().log.slice(logStart).filter((e) => e.path === '/v1/customers');
    expect(customers.slice(0, 2).map((e) => [e.query.limit, e.status])).toEqual([
      ['1', 429],
      ['1', 200],
    ]);
    expect(result.statuses('customers').at(-1)).toBe('COMPLETE');
    expect(recordIds(result, 'customers')).toEqual([...simIds(sim, 'customers')].sort());
    expect(waits.breaches).toEqual([]);
  });
});
