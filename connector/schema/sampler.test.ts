import { streamByName } from '../streams/definitions';
import { PageSource, sampleStream, sampleStreams } from './sampler';

type Params = Record<string, string | number | undefined>;

/** A stub API: `total` records per stream, ids in order; `fail(path, params)` may throw instead. */
function stubApi(totals: Record<string, number | undefined>, fail?: (path: string, params: Params) => Error | undefined) {
  const calls: Array<{ path: string; params: Params; signal?: AbortSignal }> = [];
  const client: PageSource = {
    getJson: async (_stream, path, params, opts) => {
      calls.push({ path, params, signal: opts?.signal });
      const err = fail?.(path, params);
      if (err) throw err;
      const name = path.replace('/v1/', '');
      const total = totals[name] ?? 0;
      const offset = Number(params.offset);
      const data = Array.from({ length: Math.max(0, Math.min(Number(params.limit), total - offset)) }, (_, i) => ({
        id: `${name}_${offset + i}`,
        updated_at: '2024-01-01T00:00:00Z',
        n: offset + i,
      }));
      const body = totals[name] === undefined ? { data } : { total, offset, limit: params.limit, data };
      return { body, label: `GET ${path}` };
    },
  };
  return { client, calls };
}

const items = streamByName('items')!;

describe('sampleStream', () => {
  test('reads the oldest page (offset 0) and, using total, the newest page', async () => {
    const { client, calls } = stubApi({ items: 1234 });
    const sample = await sampleStream(client, items);
    expect(calls.map((c) => c.params)).toEqual([
      { offset: 0, limit: 100 },
      { offset: 1134, limit: 100 },
    ]);
    expect(sample).toMatchObject({ stream: 'items', ok: true, offsets: [0, 1134] });
    const ns = sample.ok ? sample.records.map((r) => r.n) : [];
    expect(ns.slice(0, 2)).toEqual([0, 1]);
    expect(ns.slice(-2)).toEqual([1232, 1233]);
    expect(ns).toHaveLength(200);
  });

  test('one request when the first page holds every record', async () => {
    const { client, calls } = stubApi({ items: 100 });
    expect(await sampleStream(client, items)).toMatchObject({ ok: true, offsets: [0] });
    expect(calls).toHaveLength(1);
  });

  test('the newest page never overlaps the first', async () => {
    const { client, calls } = stubApi({ items: 150 });
    const sample = await sampleStream(client, items);
    expect(calls.map((c) => c.params.offset)).toEqual([0, 100]);
    expect(sample.ok && new Set(sample.records.map((r) => r.id)).size).toBe(150);
  });

  test('an answer without total: the first page only', async () => {
    const { client, calls } = stubApi({ items: undefined });
    expect(await sampleStream(client, items)).toMatchObject({ ok: true, offsets: [0] });
    expect(calls).toHaveLength(1);
  });

  test('the first page failing: not sampled, the error returned (never thrown)', async () => {
    const boom = new Error('HTTP 403');
    const { client } = stubApi({ items: 500 }, () => boom);
    expect(await sampleStream(client, items)).toEqual({ stream: 'items', ok: false, error: boom });
  });

  test('the newest page failing: the oldest records are still a sample', async () => {
    const boom = new Error('HTTP 503');
    const { client } = stubApi({ items: 500 }, (_p, params) => (params.offset ? boom : undefined));
    const sample = await sampleStream(client, items);
    expect(sample).toMatchObject({ ok: true, offsets: [0], newestError: boom });
    expect(sample.ok && sample.records).toHaveLength(100);
  });

  test('a malformed page (no data array) is a failed sample', async () => {
    const client: PageSource = { getJson: async () => ({ body: { total: 1 }, label: 'GET /v1/items' }) };
    const sample = await sampleStream(client, items);
    expect(sample.ok).toBe(false);
    expect(!sample.ok && String(sample.error)).toMatch(/data/);
  });

  test('the signal reaches every request', async () => {
    const { client, calls } = stubApi({ items: 300 });
    const abort = new AbortController();
    await sampleStream(client, items, abort.signal);
    expect(calls.map((c) => c.signal)).toEqual([abort.signal, abort.signal]);
  });
});

describe('sampleStreams', () => {
  test('every stream at once, one result per stream in order, a failure confined to its stream', async () => {
    let inFlight = 0;
    let most = 0;
    const { client: inner } = stubApi({ stock_summaries: 5, customers: 5, orders: 5 }, (path) => (path === '/v1/customers' ? new Error('no') : undefined));
    const client: PageSource = {
      getJson: async (...args) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
        return inner.getJson(...args);
      },
    };
    const defs = ['stock_summaries', 'customers', 'orders'].map((n) => streamByName(n)!);
    const samples = await sampleStreams(client, defs);
    expect(samples.map((s) => [s.stream, s.ok])).toEqual([
      ['stock_summaries', true],
      ['customers', false],
      ['orders', true],
    ]);
    expect(most).toBe(3);
  });
});
