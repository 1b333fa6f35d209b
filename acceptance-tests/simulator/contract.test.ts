/** Every answer of the simulator validates against the contract (openapi.yaml). */
import { DEFAULT_API_KEY, RESOURCES, Simulator, parseTimestamp, startSimulator } from './index';
import { PAGE_SCHEMA, agent, expectValid, get, getPage, readAll } from './test-helpers';

describe('the contract validator itself', () => {
  it('rejects records that break the contract', () => {
    const page = { total: 1, offset: 0, limit: 100, data: [{ id: 'x' }] };
    expect(() => expectValid('ItemPage', page)).toThrow();
    expect(() => expectValid('ItemPage', { total: 0, offset: 0, limit: 101, data: [] })).toThrow();
    expect(() => expectValid('Error', { error: { code: 'x' } })).toThrow();
    expect(() => expectValid('Error', { error: { code: 'x', message: 'y' } })).not.toThrow();
    const customer = {
      id: 'c1', name: 'n', email: null, phone: null, company: null, status: 'active',
      billing_address: { line1: 'a', city: 'b', country: 'PL' },
      created_at: '2024-05-01T10:00:00Z', updated_at: '2024-05-01T10:00:00.5Z',
    };
    const wrap = (c: object) => ({ total: 1, offset: 0, limit: 1, data: [c] });
    expect(() => expectValid('CustomerPage', wrap(customer))).not.toThrow();
    expect(() => expectValid('CustomerPage', wrap({ ...customer, billing_address: { line1: 'a', country: 'PL' } }))).toThrow();
    expect(() => expectValid('CustomerPage', wrap({ ...customer, updated_at: 'yesterday' }))).toThrow();
    expect(() => expectValid('CustomerPage', wrap({ ...customer, status: 'deleted' }))).toThrow();
  });
});

describe('pages validate against <Name>Page', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ counts: { stock_summaries: 250, customers: 250, items: 250, stock_details: 250, inventory: 250, orders: 250 } });
  });
  afterAll(() => sim.close());

  it.each(RESOURCES)('every record of %s, read page by page', async (resource) => {
    let offset = 0;
    let seen = 0;
    for (;;) {
      const res = await get(sim, resource, { offset, limit: 100 });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await res.json();
      expectValid(PAGE_SCHEMA[resource], body);
      expect(body.total).toBe(250);
      seen += body.data.length;
      if (body.data.length < 100) break;
      offset += 100;
    }
    expect(seen).toBe(250);
  });

  it.each(RESOURCES)('records(%s) equals what the pages serve', async (resource) => {
    expect(await readAll(sim, resource, {}, 37)).toEqual([...sim.records(resource)]);
  });
});

describe('pages deep into a larger data set validate', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, counts: Object.fromEntries(RESOURCES.map((r) => [r, 20_000])) });
  });
  afterAll(() => sim.close());

  it.each(RESOURCES)('%s at several offsets and limits', async (resource) => {
    for (const [offset, limit] of [
      [0, 100],
      [4_321, 57],
      [12_000, 100],
      [19_950, 100],
    ]) {
      const body = await getPage(sim, resource, { offset, limit });
      expectValid(PAGE_SCHEMA[resource], body);
      expect(body.data.length).toBe(Math.min(limit, 20_000 - offset));
    }
  });
});

describe('extraFields', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ extraFields: true, counts: Object.fromEntries(RESOURCES.map((r) => [r, 120])) });
  });
  afterAll(() => sim.close());

  it.each(RESOURCES)('%s records carry undeclared fields and still validate', async (resource) => {
    const body = await getPage(sim, resource, {});
    expectValid(PAGE_SCHEMA[resource], body);
    for (const record of body.data) {
      expect(typeof record.loyalty_tier).toBe('string');
      expect(record.warehouse_zone).toEqual(expect.objectContaining({ aisle: expect.any(Number) }));
      expect(parseTimestamp(record.last_audited_at as string)).not.toBeNull();
    }
  });

  it('the timestamp field varies its fraction digits like every API timestamp', async () => {
    const stamps = (await readAll(sim, 'customers')).map((r) => r.last_audited_at as string);
    expect(stamps.some((t) => /:\d\dZ$/.test(t))).toBe(true);
    expect(stamps.some((t) => /\.\d+Z$/.test(t))).toBe(true);
  });

  it('can be switched off again', async () => {
    sim.setOptions({ extraFields: false });
    const body = await getPage(sim, 'items', { limit: 5 });
    for (const record of body.data) for (const f of ['loyalty_tier', 'warehouse_zone', 'risk_score', 'last_audited_at']) expect(record).not.toHaveProperty(f);
    sim.setOptions({ extraFields: true });
  });
});

describe('bigIds', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ bigIds: true, counts: { items: 3 } });
  });
  afterAll(() => sim.close());

  it('every record carries ext_id, after id, written as the exact digits of a 64-bit integer beyond 2^53', async () => {
    const text = await (await get(sim, 'items')).text();
    const ids = [...text.matchAll(/\{"id":"(itm_\d+)","ext_id":(\d+),"sku"/g)].map((m) => [m[1], m[2]]);
    expect(ids).toEqual([
      ['itm_00000001', '9000000000000000000'],
      ['itm_00000002', '9000000000000007919'],
      ['itm_00000003', '9000000000000015838'],
    ]);
    expect(BigInt(ids[1][1]) > 2n ** 53n && BigInt(ids[1][1]) < 2n ** 63n).toBe(true);
    expect(String(Number(ids[1][1]))).not.toBe(ids[1][1]); // a double cannot hold it
    expect([...sim.records('items')].map((r) => r.ext_id)).toEqual([9000000000000000000n, 9000000000000007919n, 9000000000000015838n]);
  });
});

describe('error bodies validate against Error', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ forbidden: ['orders'], rateLimit: { perSecond: 0.01, burst: 1 } });
  });
  afterAll(() => sim.close());

  it.each([
    ['missing key', 'items', {}, null, 401],
    ['unknown key', 'items', {}, 'nope', 401],
    ['forbidden resource', 'orders', {}, DEFAULT_API_KEY, 403],
    ['bad limit', 'items', { limit: 101 }, DEFAULT_API_KEY, 400],
    ['unknown resource', 'warehouses', {}, DEFAULT_API_KEY, 404],
  ] as const)('%s', async (_name, resource, query, key, status) => {
    const res = await get(sim, resource, query, key);
    expect(res.status).toBe(status);
    expectValid('Error', await res.json());
  });

  it('429', async () => {
    expect((await get(sim, 'items')).status).toBe(200);
    const res = await get(sim, 'items');
    expect(res.status).toBe(429);
    expectValid('Error', await res.json());
  });
});

afterAll(() => agent.destroy());
