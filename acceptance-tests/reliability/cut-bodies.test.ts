/**
 * Issue 9, "Cut bodies detected at once": a response whose connection closes
 * before Content-Length bytes arrived, or whose chunked body ends early, fails
 * that attempt at once and is retried like a dropped connection — it does not
 * wait for request_timeout_seconds.
 *
 * No timing is asserted. The request timeout is set far above what the run is
 * given to finish (60 s against a connector run cut off after 20 s, or 10 s for
 * check), so a connector that waits for the timeout on a cut body does not
 * finish in time and the test fails.
 */
import { FaultRule, RESOURCES, Resource, Simulator, startSimulator } from '../simulator';
import { catalogOf, collectingRunner, everyStream, fastConfig, recordIds, simIds, warnings } from '../helpers/reliability';
import { RunResult } from '../helpers/run-connector';

const { run, leaks } = collectingRunner();
const PER_STREAM = 250; // three pages each
/** Far longer than any run below is allowed to take. */
const LONG_TIMEOUT = { request_timeout_seconds: 60, max_retry_seconds: 30 };
const RUN_LIMIT_MS = 20_000;
const CUT = /closed before the response was complete/;

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ counts: everyStream(PER_STREAM) });
});
afterAll(() => sim.close());
afterAll(() => expect(leaks()).toEqual([]));

function expectEveryRecordOnce(result: RunResult, streams: readonly Resource[]): void {
  expect(result.errors()).toEqual([]);
  expect(result.code).toBe(0);
  for (const stream of streams) {
    expect(result.statuses(stream).at(-1)).toBe('COMPLETE');
    const expected = simIds(sim, stream);
    expect(recordIds(result, stream)).toEqual([...expected].sort());
    expect(result.records(stream)).toHaveLength(expected.length);
  }
}

async function readWith(streams: Resource[], faults: FaultRule[]): Promise<RunResult> {
  const catalog = await catalogOf(run, sim, streams);
  sim.setFaults(faults);
  try {
    return await run(['read'], { config: fastConfig(sim, LONG_TIMEOUT), catalog }, { timeoutMs: RUN_LIMIT_MS });
  } finally {
    sim.setFaults([]);
  }
}

test('six streams, a 200 page cut under its Content-Length on each (and a chunked cut too): retried at once, every record read once', async () => {
  const faults = RESOURCES.flatMap((r): FaultRule[] => [
    { path: `/v1/${r}`, skip: 1, times: 1, drop: 'content-length' },
    { path: `/v1/${r}`, skip: 1, times: 1, drop: 'chunked' },
  ]);
  const result = await readWith(RESOURCES, faults);
  expectEveryRecordOnce(result, RESOURCES);
  for (const r of RESOURCES) {
    expect(warnings(result).filter((w) => w.startsWith(`${r}:`) && CUT.test(w)).length).toBeGreaterThanOrEqual(2);
  }
});

test('the same page cut under its Content-Length three times in a row: three quick retries, every record read once', async () => {
  const result = await readWith(['items'], [{ path: '/v1/items', skip: 1, times: 3, drop: 'content-length' }]);
  expectEveryRecordOnce(result, ['items']);
  expect(warnings(result).filter((w) => CUT.test(w))).toHaveLength(3);
});

test('a 503 error page cut under its Content-Length: retried at once like any 503, every record read once', async () => {
  const result = await readWith(['customers'], [{ path: '/v1/customers', skip: 2, times: 2, status: 503, body: 'html', drop: 'content-length' }]);
  expectEveryRecordOnce(result, ['customers']);
  expect(warnings(result).filter((w) => CUT.test(w)).length).toBeGreaterThanOrEqual(2);
});

test('check: its one request cut under Content-Length is retried at once, and check SUCCEEDS', async () => {
  sim.setFaults([{ times: 1, drop: 'content-length' }]);
  try {
    // check's own request timeout is 10 s; the run gets 8.
    const result = await run(['check'], { config: fastConfig(sim, LONG_TIMEOUT) }, { timeoutMs: 8_000 });
    expect(result.code).toBe(0);
    const statuses = result.ofType('CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0].connectionStatus.status).toBe('SUCCEEDED');
  } finally {
    sim.setFaults([]);
  }
});
