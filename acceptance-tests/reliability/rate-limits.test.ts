/**
 * Issue 4, "Transient faults and rate limits": Retry-After in both forms is
 * honoured (the retry never arrives before the time it names), the connector
 * says RATE_LIMITED while it waits, paces itself to the API's documented limit
 * by default, and survives starting on a key another client has drained.
 * When retries run out, what was emitted stays valid and resumable.
 */
import fetch from 'node-fetch';
import { DEFAULT_API_KEY, RequestLogEntry, Simulator, startSimulator } from '../simulator';
import { catalogOf, collectingRunner, fastConfig, recordIds, simIds, smallCounts } from '../helpers/reliability';
import { finalState, Message, RunResult } from '../helpers/run-connector';

const { run, leaks } = collectingRunner();
afterAll(() => expect(leaks()).toEqual([]));

/** The first request after log[i] for the same path and offset: the retry of log[i]. */
function retryOf(log: RequestLogEntry[], i: number): RequestLogEntry | undefined {
  const r = log[i];
  return log.slice(i + 1).find((e) => e.path === r.path && e.query.offset === r.query.offset && e.query.updated_since === r.query.updated_since);
}

function rateLimitedStatuses(result: RunResult, stream: string): Message[] {
  return result
    .traces('STREAM_STATUS')
    .filter((t) => t.stream_status.stream_descriptor.name === stream && t.stream_status.status === 'RUNNING')
    .filter((t) => (t.stream_status.reasons ?? []).some((r: Message) => r.type === 'RATE_LIMITED'));
}

describe('Retry-After', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ counts: smallCounts({ items: 250 }) });
  });
  afterAll(() => sim.close());

  test.each([
    ['delta-seconds "2"', { seconds: 2 }, 2000],
    // The HTTP-date names a whole second at least 3 s ahead; the 429 is logged a moment after the date was
    // computed, so allow one second of granularity: the retry must still come >= 2 s after the 429.
    ['an HTTP-date 3 s ahead', { httpDateInSeconds: 3 }, 2000],
  ] as const)('429 with Retry-After %s: the retry is not sent before that time, and RATE_LIMITED is reported meanwhile', async (_name, retryAfter, minGapMs) => {
    const catalog = await catalogOf(run, sim, ['items']);
    sim.setFaults([{ path: '/v1/items', skip: 1, times: 1, status: 429, retryAfter }]);
    const logStart = sim.stats().log.length;
    const result = await run(['read'], { config: fastConfig(sim, { max_retry_seconds: 10 }), catalog });
    sim.setFaults([]);

    expect(result.code).toBe(0);
    expect(recordIds(result, 'items')).toEqual(simIds(sim, 'items').sort());
    const log = sim.stats().log.slice(logStart);
    const i = log.findIndex((e) => e.status === 429);
    expect(i).toBeGreaterThanOrEqual(0);
    const retry = retryOf(log, i);
    expect(retry).toBeDefined();
    expect(retry!.status).toBe(200);
    // Ordering of recorded timestamps: the retry arrived no earlier than the 429 plus what it asked for.
    expect(retry!.at).toBeGreaterThanOrEqual(log[i].at + minGapMs);

    const limited = rateLimitedStatuses(result, 'items');
    expect(limited.length).toBeGreaterThanOrEqual(1);
    const statuses = result.statuses('items');
    expect(statuses[0]).toBe('STARTED');
    expect(statuses.at(-1)).toBe('COMPLETE');
  });
});

describe('pacing to the API limit', () => {
  test('token bucket 10/s, burst 20, connector at its defaults: ~50 pages read without a single 429', async () => {
    // 4950 records with overlapping pages of 100 (step 99): 50 pages.
    const sim = await startSimulator({ counts: smallCounts({ items: 4950 }), rateLimit: { perSecond: 10, burst: 20 } });
    try {
      const catalog = await catalogOf(run, sim, ['items']);
      const { api_key, base_url } = fastConfig(sim) as { api_key: string; base_url: string };
      const result = await run(['read'], { config: { api_key, base_url }, catalog });
      expect(result.code).toBe(0);
      const stats = sim.stats();
      expect(stats.byPath['/v1/items']).toBeGreaterThanOrEqual(50);
      expect(stats.byStatus[429] ?? 0).toBe(0);
      expect(recordIds(result, 'items')).toEqual(simIds(sim, 'items').sort());
    } finally {
      await sim.close();
    }
  });

  /**
   * Another client spends the whole burst on the same key before the connector starts and, with
   * `keepBusy`, keeps spending 5 of the 10 requests per second while it reads.
   */
  async function readOnADrainedKey(keepBusy: boolean) {
    const sim = await startSimulator({ counts: smallCounts({ items: 1200 }), rateLimit: { perSecond: 10, burst: 20 } });
    const otherClient = () => fetch(`${sim.url}/v1/customers?limit=1&api_key=${DEFAULT_API_KEY}`).then((r) => r.status);
    let busy: NodeJS.Timeout | undefined;
    try {
      const catalog = await catalogOf(run, sim, ['items']);
      const other = await Promise.all(Array.from({ length: 25 }, otherClient));
      expect(other.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1); // the bucket really is empty
      if (keepBusy) busy = setInterval(() => void otherClient().catch(() => {}), 200);
      const logStart = sim.stats().log.length;

      const result = await run(['read'], { config: fastConfig(sim, { max_retry_seconds: 30 }), catalog });
      clearInterval(busy);
      expect(result.errors()).toEqual([]);
      expect(result.code).toBe(0);
      expect(result.statuses('items').at(-1)).toBe('COMPLETE');
      expect(recordIds(result, 'items')).toEqual(simIds(sim, 'items').sort());

      // Every 429 the connector got was retried no earlier than a second later (the simulator's Retry-After is >= 1).
      const log = sim.stats().log.slice(logStart).filter((e) => e.path === '/v1/items');
      log.forEach((e, i) => {
        if (e.status !== 429) return;
        const retry = retryOf(log, i);
        expect(retry).toBeDefined();
        expect(retry!.at).toBeGreaterThanOrEqual(e.at + 1000);
      });
      const got429 = log.filter((e) => e.status === 429).length;
      console.log(`drained key${keepBusy ? ', shared during the read' : ''}: the connector got ${got429} 429(s) in ${log.length} requests`);
      if (got429 > 0) expect(rateLimitedStatuses(result, 'items').length).toBeGreaterThanOrEqual(1);
      return got429;
    } finally {
      clearInterval(busy);
      await sim.close();
    }
  }

  test('the key is already drained by another client when the connector starts: it reads the X-RateLimit headers and completes without a 429 storm', async () => {
    // Honouring X-RateLimit-Remaining (and any 429) keeps the 429s to a handful, not one per request.
    expect(await readOnADrainedKey(false)).toBeLessThanOrEqual(2);
  });

  test('another client keeps sharing the key during the read: the connector waits out every 429 and completes', async () => {
    await readOnADrainedKey(true);
  });
});

describe('retries run out', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ counts: smallCounts({ customers: 30, items: 450, orders: 30 }) });
  });
  afterAll(() => sim.close());

  test('a 503 that never stops after two good pages: INCOMPLETE, transient_error naming the stream, exit non-zero, no state after the failure; the other streams COMPLETE; resuming from the last state reads every record after it', async () => {
    const catalog = await catalogOf(run, sim, ['customers', 'items', 'orders']);
    sim.setFaults([{ path: '/v1/items', skip: 2, times: Infinity, status: 503 }]);
    const first = await run(['read'], { config: fastConfig(sim, { max_retry_seconds: 1 }), catalog });
    sim.setFaults([]);

    expect(first.code).not.toBe(0);
    const itemStatuses = first.statuses('items');
    expect(itemStatuses.at(-1)).toBe('INCOMPLETE');
    expect(itemStatuses).not.toContain('COMPLETE');
    for (const other of ['customers', 'orders']) {
      expect(first.statuses(other).at(-1)).toBe('COMPLETE');
      expect(recordIds(first, other)).toEqual(simIds(sim, other as 'customers').sort());
    }

    const errorAt = first.messages.findIndex((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    const error = first.messages[errorAt].trace.error;
    expect(error.failure_type).toBe('transient_error');
    expect(error.stream_descriptor?.name).toBe('items');
    expect(error.message).toContain('items');

    // Nothing for items after the failure: no record, no state.
    const after = first.messages.slice(errorAt + 1);
    expect(after.filter((m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === 'items')).toEqual([]);
    expect(after.filter((m) => m.type === 'RECORD' && m.record.stream === 'items')).toEqual([]);

    // What was emitted before is intact: at least the two good pages, checkpointed.
    const itemStates = first.states('items');
    expect(itemStates.length).toBeGreaterThanOrEqual(1);
    const emittedBefore = new Set(first.records('items').map((r) => String(r.data.id)));
    expect(emittedBefore.size).toBeGreaterThanOrEqual(100);

    // The platform hands back the last state it got; the resumed read reads everything not yet read.
    const state = finalState(first).filter((s) => s.stream.stream_descriptor.name === 'items');
    const cursor = state[0].stream.stream_state.updated_at as string;
    const second = await run(['read'], { config: fastConfig(sim), catalog: await catalogOf(run, sim, ['items']), state });
    expect(second.code).toBe(0);
    expect(second.statuses('items').at(-1)).toBe('COMPLETE');
    const resumed = new Set(second.records('items').map((r) => String(r.data.id)));
    const all = simIds(sim, 'items');
    const missing = all.filter((id) => !emittedBefore.has(id) && !resumed.has(id));
    expect(missing).toEqual([]);
    // And the resumed read did not start over: it began at the checkpoint.
    expect(second.records('items').every((r) => Date.parse(r.data.updated_at) >= Date.parse(cursor) - 1)).toBe(true);
  });
});
