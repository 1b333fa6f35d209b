/**
 * Issue 4, "Classified errors": what the API says no to is not retried but
 * reported with the right failure_type: 401 is the user's key (config_error,
 * check FAILED), 403 is one stream's entitlement (that stream INCOMPLETE, the
 * others finish), 400 and malformed 200s are system_errors naming the stream
 * and the request, with the key redacted and no stack trace outside the
 * TRACE's stack_trace field.
 */
import { FaultBody, Simulator, startSimulator } from '../simulator';
import { catalogOf, collectingRunner, fastConfig, recordIds, simIds, smallCounts, stackFramesOutsideStackTrace } from '../helpers/reliability';

const { run, leaks } = collectingRunner();
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ counts: smallCounts({ customers: 20, items: 150, orders: 20 }) });
});
afterAll(() => sim.close());
afterAll(() => expect(leaks(['wrong-key-0000-ffff'])).toEqual([]));
afterEach(() => {
  sim.setFaults([]);
  sim.setOptions({ forbidden: [] });
});

describe('401: the key is rejected', () => {
  const config = () => fastConfig(sim, { api_key: 'wrong-key-0000-ffff' });

  test('check: exactly one CONNECTION_STATUS FAILED that points at the API key, exit 0, not retried', async () => {
    const before = sim.stats().byStatus[401] ?? 0;
    const result = await run(['check'], { config: config() });
    expect(result.code).toBe(0);
    const statuses = result.ofType('CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0].connectionStatus.status).toBe('FAILED');
    expect(statuses[0].connectionStatus.message).toMatch(/api[ _]key/i);
    expect((sim.stats().byStatus[401] ?? 0) - before).toBe(1);
  });

  test('read: a config_error that points at the API key, no record, no stream COMPLETE, exit non-zero', async () => {
    const catalog = await catalogOf(run, sim, ['customers', 'items']);
    const result = await run(['read'], { config: config(), catalog });
    expect(result.code).not.toBe(0);
    expect(result.records()).toEqual([]);
    const errors = result.errors();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.every((e) => e.failure_type === 'config_error')).toBe(true);
    expect(errors[0].message).toMatch(/api[ _]key/i);
    for (const s of ['customers', 'items']) {
      expect(result.statuses(s)).not.toContain('COMPLETE');
      expect(result.statuses(s).at(-1)).toBe('INCOMPLETE');
    }
  });
});

describe('403: the key is not entitled to one resource', () => {
  test('that stream is INCOMPLETE with a message naming it and the fix; the others COMPLETE; ERROR trace; exit non-zero', async () => {
    sim.setOptions({ forbidden: ['items'] });
    const catalog = await catalogOf(run, sim, ['customers', 'items', 'orders']);
    const result = await run(['read'], { config: fastConfig(sim), catalog });
    expect(result.code).not.toBe(0);
    expect(result.statuses('items').at(-1)).toBe('INCOMPLETE');
    expect(result.statuses('items')).not.toContain('COMPLETE');
    expect(result.records('items')).toEqual([]);
    for (const s of ['customers', 'orders'] as const) {
      expect(result.statuses(s).at(-1)).toBe('COMPLETE');
      expect(recordIds(result, s)).toEqual(simIds(sim, s).sort());
    }
    const errors = result.errors();
    expect(errors).toHaveLength(1);
    expect(errors[0].failure_type).toBe('config_error');
    expect(errors[0].stream_descriptor?.name).toBe('items');
    expect(errors[0].message).toContain('items');
    expect(errors[0].message).toMatch(/grant|deselect|access|entitle/i);
    expect(sim.stats().byStatus[403]).toBe(1); // not retried
  });

  test('check still SUCCEEDS when the key can read some stream', async () => {
    sim.setOptions({ forbidden: ['stock_summaries', 'customers'] });
    const result = await run(['check'], { config: fastConfig(sim) });
    expect(result.code).toBe(0);
    expect(result.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
  });
});

describe('400 and malformed answers: system_error naming the stream and the request', () => {
  async function readItemsFailing(body: FaultBody | undefined, status: number) {
    const catalog = await catalogOf(run, sim, ['items', 'orders']);
    sim.setFaults([{ path: '/v1/items', times: 1, status, ...(body ? { body } : {}) }]);
    const result = await run(['read'], { config: fastConfig(sim), catalog });
    expect(result.code).not.toBe(0);
    expect(result.statuses('items').at(-1)).toBe('INCOMPLETE');
    expect(result.statuses('items')).not.toContain('COMPLETE');
    expect(result.states('items')).toEqual([]); // nothing read, nothing checkpointed
    expect(result.statuses('orders').at(-1)).toBe('COMPLETE'); // the next stream still runs
    const errors = result.errors();
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error.failure_type).toBe('system_error');
    expect(error.stream_descriptor?.name).toBe('items');
    expect(error.message).toContain('items');
    expect(error.message).toContain('/v1/items'); // the request
    expect(JSON.stringify(error)).not.toMatch(/api_key=(?!\*)/); // the request, but never its key
    expect(stackFramesOutsideStackTrace(result)).toEqual([]);
    return error;
  }

  test('HTTP 400: not retried', async () => {
    const before = sim.stats().byStatus[400] ?? 0;
    await readItemsFailing(undefined, 400);
    expect((sim.stats().byStatus[400] ?? 0) - before).toBe(1);
  });

  test.each([
    ['not-json', /JSON/i],
    ['no-data', /data/],
    ['data-not-array', /data.*array|array/i],
    ['record-without-id', /\bid\b/],
    ['bad-updated_at', /updated_at/],
  ] as const)('200 with a malformed body (%s)', async (kind, says) => {
    const error = await readItemsFailing(kind, 200);
    expect(error.message).toMatch(says);
  });
});
