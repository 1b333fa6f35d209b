/** Parameters, auth, ordering, filters and data shape over real sockets. */
import fetch from 'node-fetch';
import { DEFAULT_API_KEY, RESOURCES, Resource, Simulator, startSimulator } from './index';
import { agent, get, getPage, micros, readAll } from './test-helpers';

const INCREMENTAL = RESOURCES.filter((r) => r !== 'stock_summaries');
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, counts: { customers: 1200, items: 1000, orders: 800, inventory: 600, stock_details: 600, stock_summaries: 300 } });
});
afterAll(async () => {
  await sim.close();
  agent.destroy();
});

describe('parameters', () => {
  it('defaults offset to 0 and limit to 100', async () => {
    const body = await getPage(sim, 'items');
    expect([body.offset, body.limit, body.total, body.data.length]).toEqual([0, 100, 1000, 100]);
    expect(body.data[0].id).toBe([...sim.records('items')][0].id);
  });

  it('serves limit 1, the last partial page and empty pages past the end', async () => {
    expect((await getPage(sim, 'items', { limit: 1, offset: 999 })).data).toHaveLength(1);
    expect((await getPage(sim, 'items', { limit: 100, offset: 950 })).data).toHaveLength(50);
    const past = await getPage(sim, 'items', { offset: 1000 });
    expect(past).toEqual({ total: 1000, offset: 1000, limit: 100, data: [] });
    expect((await getPage(sim, 'items', { offset: 123_456_789 })).data).toEqual([]);
  });

  it('pages tile the whole order without gaps or overlaps', async () => {
    const ids = (await readAll(sim, 'customers', {}, 100)).map((r) => r.id);
    expect(ids).toHaveLength(1200);
    expect(new Set(ids).size).toBe(1200);
    expect((await readAll(sim, 'customers', {}, 7)).map((r) => r.id)).toEqual(ids);
  });

  it.each([
    ['limit', '0'],
    ['limit', '101'],
    ['limit', '-1'],
    ['limit', '1.5'],
    ['limit', 'ten'],
    ['limit', ''],
    ['offset', '-1'],
    ['offset', '2.0'],
    ['offset', 'x'],
    ['offset', '1e3'],
    ['updated_since', '2024-05-01'],
    ['updated_since', '2024-05-01T10:00:00'],
    ['updated_since', 'yesterday'],
    ['updated_before', '2024-02-30T00:00:00Z'],
    ['updated_before', '2024-05-01T10:00:00.1234567890Z'],
  ])('400 for %s=%p', async (name, value) => {
    const res = await get(sim, 'orders', { [name]: value });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toContain(name);
  });

  it('400 for a repeated parameter', async () => {
    const res = await fetch(`${sim.url}/v1/items?api_key=${DEFAULT_API_KEY}&limit=5&limit=6`, { agent });
    expect(res.status).toBe(400);
  });

  it.each(['updated_since', 'updated_before'])('stock_summaries with %s is a 400', async (name) => {
    const res = await get(sim, 'stock_summaries', { [name]: '2024-05-01T10:00:00Z' });
    expect(res.status).toBe(400);
  });

  it('accepts offsets and 7-9 fraction digits in filters', async () => {
    expect((await get(sim, 'orders', { updated_since: '2024-05-01T12:00:00.123456789+02:00' })).status).toBe(200);
  });
});

describe('auth and routing', () => {
  it('401 without a key or with an unknown key, before any validation', async () => {
    expect((await get(sim, 'items', {}, null)).status).toBe(401);
    expect((await get(sim, 'items', { limit: 1000 }, 'wrong')).status).toBe(401);
    expect((await get(sim, 'items', {}, '')).status).toBe(401);
  });

  it('403 only for the forbidden resources, and apiKeys can change', async () => {
    const other = await startSimulator({ apiKeys: ['k1', 'k2'], forbidden: ['orders'] });
    try {
      expect((await get(other, 'orders', {}, 'k2')).status).toBe(403);
      expect((await get(other, 'items', {}, 'k2')).status).toBe(200);
      expect((await get(other, 'items', {}, DEFAULT_API_KEY)).status).toBe(401);
      expect((await get(other, 'orders', { limit: 0 }, 'k1')).status).toBe(403); // auth before validation
      other.setOptions({ forbidden: [], apiKeys: ['k3'] });
      expect((await get(other, 'orders', {}, 'k3')).status).toBe(200);
      expect((await get(other, 'orders', {}, 'k1')).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('per-key access: forbiddenByKey answers 403 to that key only, on top of forbidden, and can change', async () => {
    const other = await startSimulator({ apiKeys: ['full', 'limited'], forbidden: ['inventory'], forbiddenByKey: { limited: ['orders', 'items'] } });
    try {
      const status = async (resource: string, key: string) => (await get(other, resource, {}, key)).status;
      expect(await status('orders', 'limited')).toBe(403);
      expect(await status('items', 'limited')).toBe(403);
      expect(await status('customers', 'limited')).toBe(200);
      expect(await status('inventory', 'limited')).toBe(403); // the global list still applies
      expect(await status('orders', 'full')).toBe(200);
      expect(await status('inventory', 'full')).toBe(403);
      const denied = await get(other, 'orders', {}, 'limited');
      expect((await denied.json()).error.code).toBe('forbidden');
      other.setOptions({ forbiddenByKey: { full: ['customers'] } });
      expect(await status('orders', 'limited')).toBe(200);
      expect(await status('customers', 'full')).toBe(403);
      other.setOptions({ apiKeys: ['full'] });
      expect(await status('customers', 'limited')).toBe(401); // 401 before 403: a listed key must still be valid
      expect(() => other.setOptions({ forbiddenByKey: { full: ['warehouses' as Resource] } })).toThrow(/warehouses/);
    } finally {
      await other.close();
    }
  });

  it('404 JSON for other paths and methods', async () => {
    for (const url of ['/v1/warehouses', '/v2/items', '/v1/items/itm_00000001', '/', '/v1/items/']) {
      const res = await fetch(`${sim.url}${url}?api_key=${DEFAULT_API_KEY}`, { agent });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('not_found');
    }
    const post = await fetch(`${sim.url}/v1/items?api_key=${DEFAULT_API_KEY}`, { method: 'POST', agent });
    expect(post.status).toBe(404);
  });

  it('keeps connections alive', async () => {
    const res = await get(sim, 'items', { limit: 1 });
    await res.text();
    expect(res.headers.get('connection')).toBe('keep-alive');
  });
});

describe('ordering and time filters', () => {
  it.each(INCREMENTAL)('%s is ordered by updated_at (as instants) then id', async (resource) => {
    const records = await readAll(sim, resource);
    for (let i = 1; i < records.length; i++) {
      const [a, b] = [records[i - 1], records[i]];
      const [ta, tb] = [micros(a.updated_at as string), micros(b.updated_at as string)];
      expect(ta < tb || (ta === tb && (a.id as string) < (b.id as string))).toBe(true);
    }
  });

  it('stock_summaries is ordered by id', async () => {
    const ids = (await readAll(sim, 'stock_summaries')).map((r) => r.id as string);
    expect([...ids].sort()).toEqual(ids);
    expect(ids).toHaveLength(300);
  });

  it("serves a '…:SSZ' record before a '…:SS.fZ' one of the same second (string order would swap them)", async () => {
    const records = await readAll(sim, 'customers');
    const i = records.findIndex((r, k) => k > 0 && (records[k - 1].updated_at as string) > (r.updated_at as string));
    expect(i).toBeGreaterThan(0);
    const [whole, fractional] = [records[i - 1].updated_at as string, records[i].updated_at as string];
    expect(whole).toMatch(/:\d\dZ$/);
    expect(fractional.slice(0, 19)).toBe(whole.slice(0, 19));
    // updated_since the fractional one excludes the whole-second record; updated_before it includes it.
    const since = await getPage(sim, 'customers', { updated_since: fractional, limit: 1 });
    expect(since.data[0].id).toBe(records[i].id);
    expect(since.total).toBe(records.length - i);
    const before = await getPage(sim, 'customers', { updated_before: fractional });
    expect(before.total).toBe(i);
  });

  it.each(INCREMENTAL)('%s: filters and totals agree with a client-side filter at microsecond precision', async (resource: Resource) => {
    const all = [...sim.records(resource)];
    const at = all.map((r) => micros(r.updated_at as string));
    const pick = (k: number) => all[k].updated_at as string;
    const expectWindow = async (query: Record<string, string>, lo: number, hi: number) => {
      const expected = all.filter((_, k) => at[k] >= lo && at[k] < hi).map((r) => r.id);
      const served = await readAll(sim, resource, query);
      expect(served.map((r) => r.id)).toEqual(expected);
      expect((await getPage(sim, resource, { ...query, limit: 1 })).total).toBe(expected.length);
    };
    const a = Math.floor(all.length / 5);
    const b = Math.floor((all.length * 3) / 5);
    await expectWindow({ updated_since: pick(a) }, at[a], Infinity);
    await expectWindow({ updated_before: pick(b) }, -Infinity, at[b]);
    await expectWindow({ updated_since: pick(a), updated_before: pick(b) }, at[a], at[b]);
    // One microsecond later than a record's instant excludes it from since, includes it in before.
    const plus1 = (k: number) => {
      const us = at[k] + 1;
      const s = new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);
      return `${s}.${String(us % 1_000_000).padStart(6, '0')}Z`;
    };
    await expectWindow({ updated_since: plus1(a) }, at[a] + 1, Infinity);
    await expectWindow({ updated_before: plus1(b) }, -Infinity, at[b] + 1);
    // An equivalent instant in another offset selects the same records.
    const sinceIso = pick(a).replace('Z', '');
    const shifted = new Date(Date.parse(sinceIso.slice(0, 19) + 'Z') + 3_600_000).toISOString().slice(0, 19);
    const fraction = sinceIso.length > 19 ? sinceIso.slice(19) : '';
    await expectWindow({ updated_since: `${shifted}${fraction}+01:00` }, at[a], Infinity);
    // Empty windows.
    await expectWindow({ updated_since: pick(b), updated_before: pick(a) }, Infinity, -Infinity);
    await expectWindow({ updated_since: '2030-01-01T00:00:00Z' }, Infinity, Infinity);
  });
});

describe('the data', () => {
  const tieGroups = (records: Array<Record<string, unknown>>) => {
    const sizes = new Map<string, number>();
    for (const r of records) sizes.set(r.updated_at as string, (sizes.get(r.updated_at as string) ?? 0) + 1);
    return [...sizes.values()];
  };

  it.each(INCREMENTAL)('%s has ties larger than 100 and many small ones', async (resource) => {
    const groups = tieGroups(await readAll(sim, resource));
    expect(Math.max(...groups)).toBeGreaterThan(100);
    expect(groups.filter((g) => g >= 2 && g <= 10).length).toBeGreaterThan(5);
    expect(groups.filter((g) => g === 1).length).toBeGreaterThan(5);
  });

  it('mixes 0, 1-3 and 6 fraction digits in updated_at', async () => {
    const digits = new Set((await readAll(sim, 'customers')).map((r) => /(?:\.(\d+))?Z$/.exec(r.updated_at as string)![1]?.length ?? 0));
    for (const d of [0, 1, 2, 3, 6]) expect(digits).toContain(d);
  });

  it('has non-ASCII text, emoji, nulls and nested values', async () => {
    const customers = await readAll(sim, 'customers');
    const items = await readAll(sim, 'items');
    const orders = await readAll(sim, 'orders');
    const inventory = await readAll(sim, 'inventory');
    const details = await readAll(sim, 'stock_details');
    const text = JSON.stringify([customers, items, inventory]);
    for (const s of ['Zoë', 'Müller', 'São Paulo', 'Łódź', '東京倉庫']) expect(text).toContain(s);
    expect(items.some((r) => /\p{Extended_Pictographic}/u.test(String(r.description)))).toBe(true);
    expect(customers.some((r) => r.billing_address === null)).toBe(true);
    expect(customers.some((r) => r.billing_address !== null && (r.billing_address as Record<string, unknown>).line2 === null)).toBe(true);
    for (const field of ['email', 'phone', 'company']) expect(customers.some((r) => r[field] === null)).toBe(true);
    for (const field of ['description', 'category', 'unit_price', 'currency']) expect(items.some((r) => r[field] === null)).toBe(true);
    expect(items.some((r) => (r.tags as string[]).length === 0) && items.some((r) => (r.tags as string[]).length > 1)).toBe(true);
    expect(orders.some((r) => r.customer_id === null) && orders.some((r) => r.shipped_at === null)).toBe(true);
    expect(details.some((r) => r.expires_on === null) && details.some((r) => /^\d{4}-\d{2}-\d{2}$/.test(String(r.expires_on)))).toBe(true);
    expect(inventory.some((r) => r.reorder_point === null)).toBe(true);
  });

  it('keeps order arithmetic consistent', async () => {
    const cents = (n: unknown) => Math.round((n as number) * 100);
    for (const order of await readAll(sim, 'orders')) {
      const lines = order.line_items as Array<Record<string, number>>;
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(5);
      for (const line of lines) {
        // Exact arithmetic in tenths of a unit times cents: the line total is within half a cent.
        const exactTimes10 = Math.round(line.quantity * 10) * cents(line.unit_price);
        expect(Math.abs(cents(line.line_total) * 10 - exactTimes10)).toBeLessThanOrEqual(5);
      }
      const subtotal = lines.reduce((sum, l) => sum + cents(l.line_total), 0);
      expect(cents(order.subtotal)).toBe(subtotal);
      expect(cents(order.total)).toBe(subtotal + cents(order.tax));
      expect(micros(order.ordered_at as string)).toBeLessThanOrEqual(micros(order.updated_at as string));
    }
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const same = await startSimulator({ seed: 11, counts: { customers: 1200 } });
    const other = await startSimulator({ seed: 12, counts: { customers: 1200 } });
    try {
      expect(await getPage(same, 'customers', { offset: 500 })).toEqual(await getPage(sim, 'customers', { offset: 500 }));
      expect(await getPage(other, 'customers', { offset: 500 })).not.toEqual(await getPage(sim, 'customers', { offset: 500 }));
    } finally {
      await same.close();
      await other.close();
    }
  });

  it('serves empty resources', async () => {
    const empty = await startSimulator({ counts: { items: 0 } });
    try {
      expect(await getPage(empty, 'items')).toEqual({ total: 0, offset: 0, limit: 100, data: [] });
    } finally {
      await empty.close();
    }
  });
});

describe('stats and the request log', () => {
  it('counts requests by status and path, and never records the api_key', async () => {
    const own = await startSimulator({ apiKeys: ['secret-key-123'] });
    try {
      await get(own, 'items', { limit: 3 }, 'secret-key-123');
      await get(own, 'items', {}, 'wrong-key-456');
      await get(own, 'orders', { limit: 500 }, 'secret-key-123');
      const stats = own.stats();
      expect(stats.requests).toBe(3);
      expect(stats.byStatus).toEqual({ 200: 1, 401: 1, 400: 1 });
      expect(stats.byPath).toEqual({ '/v1/items': 2, '/v1/orders': 1 });
      expect(stats.log.map((e) => [e.method, e.path, e.status])).toEqual([
        ['GET', '/v1/items', 200],
        ['GET', '/v1/items', 401],
        ['GET', '/v1/orders', 400],
      ]);
      expect(stats.log[0].query).toEqual({ limit: '3' });
      expect(JSON.stringify(stats)).not.toMatch(/secret-key|wrong-key|api_key/);
    } finally {
      await own.close();
    }
  });
});
