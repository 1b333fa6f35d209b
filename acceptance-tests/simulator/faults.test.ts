/** Rate limiting and injected faults, seen from a real client. */
import http from 'http';
import fetch from 'node-fetch';
import { DEFAULT_API_KEY, Simulator, startSimulator } from './index';
import { PAGE_SCHEMA, agent, expectValid, get, urlFor } from './test-helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(() => agent.destroy());

describe('rate limit', () => {
  it('sends X-RateLimit-* headers on every response even when not enforced', async () => {
    const sim = await startSimulator();
    try {
      for (const [resource, key] of [
        ['items', DEFAULT_API_KEY],
        ['items', null],
        ['nowhere', DEFAULT_API_KEY],
      ] as const) {
        const res = await get(sim, resource, {}, key);
        for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) expect(res.headers.get(h)).toMatch(/^\d+$/);
      }
      for (let i = 0; i < 40; i++) expect((await get(sim, 'items', { limit: 1 })).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('is a token bucket per key: a burst, then 429 with Retry-After, then recovery', async () => {
    const sim = await startSimulator({ rateLimit: { perSecond: 5, burst: 4 }, apiKeys: ['a', 'b'] });
    try {
      const remaining: string[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await get(sim, 'items', { limit: 1 }, 'a');
        expect(res.status).toBe(200);
        expect(res.headers.get('x-ratelimit-limit')).toBe('4');
        remaining.push(res.headers.get('x-ratelimit-remaining')!);
      }
      expect(remaining).toEqual(['3', '2', '1', '0']);
      const limited = await get(sim, 'items', { limit: 1 }, 'a');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('1'); // ceil(time to one token at 5/s)
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(1);
      expect((await limited.json()).error.code).toBe('rate_limited');
      // Another key has its own bucket.
      expect((await get(sim, 'items', { limit: 1 }, 'b')).status).toBe(200);
      // 429s do not consume tokens: after ~one token's time, exactly one request gets through.
      for (let i = 0; i < 5; i++) expect((await get(sim, 'items', { limit: 1 }, 'a')).status).toBe(429);
      await sleep(260);
      expect((await get(sim, 'items', { limit: 1 }, 'a')).status).toBe(200);
      expect((await get(sim, 'items', { limit: 1 }, 'a')).status).toBe(429);
      // Full again after burst/perSecond seconds.
      await sleep(900);
      for (let i = 0; i < 4; i++) expect((await get(sim, 'items', { limit: 1 }, 'a')).status).toBe(200);
      expect(sim.stats().byStatus[429]).toBe(7);
    } finally {
      await sim.close();
    }
  });

  it('does not spend tokens on 401/403/400, and can be switched off and on', async () => {
    const sim = await startSimulator({ rateLimit: { perSecond: 0.001, burst: 2 }, forbidden: ['orders'] });
    try {
      await get(sim, 'items', {}, 'wrong');
      await get(sim, 'orders');
      await get(sim, 'items', { limit: 0 });
      expect((await get(sim, 'items')).status).toBe(200);
      expect((await get(sim, 'items')).status).toBe(200);
      const res = await get(sim, 'items');
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(100);
      sim.setOptions({ rateLimit: null });
      expect((await get(sim, 'items')).status).toBe(200);
      sim.setOptions({ rateLimit: { perSecond: 0.001, burst: 1 } });
      expect((await get(sim, 'items')).status).toBe(200);
      expect((await get(sim, 'items')).status).toBe(429);
    } finally {
      await sim.close();
    }
  });
});

describe('fault rules', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ counts: { items: 300 } });
  });
  afterAll(() => sim.close());
  afterEach(() => sim.setFaults([]));

  const statuses = async (n: number, resource = 'items') => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await get(sim, resource, { limit: 2 });
      await res.arrayBuffer();
      out.push(res.status);
    }
    return out;
  };

  it('fire in order with skip, times and path', async () => {
    sim.setFaults([
      { path: '/v1/orders', status: 503 },
      { path: '/v1/items', skip: 2, times: 2, status: 500 },
      { status: 502, times: 1 },
    ]);
    expect(await statuses(6)).toEqual([200, 200, 500, 500, 502, 200]);
    expect(await statuses(2, 'orders')).toEqual([503, 200]);
  });

  it('times: Infinity keeps firing', async () => {
    sim.setFaults([{ status: 504, times: Infinity }]);
    expect(await statuses(5)).toEqual([504, 504, 504, 504, 504]);
  });

  it('come after auth and validation', async () => {
    sim.setFaults([{ status: 500 }]);
    expect((await get(sim, 'items', {}, 'bad')).status).toBe(401);
    expect((await get(sim, 'items', { limit: 0 })).status).toBe(400);
    expect((await get(sim, 'items')).status).toBe(500);
  });

  it('answer errors with a JSON error, an HTML page or an empty body', async () => {
    sim.setFaults([
      { status: 500 },
      { status: 502, body: 'html' },
      { status: 503, body: 'empty' },
    ]);
    const json = await get(sim, 'items');
    expect(json.status).toBe(500);
    expectValid('Error', await json.json());
    const html = await get(sim, 'items');
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toMatch(/<html>.*502 Bad Gateway/s);
    const empty = await get(sim, 'items');
    expect(empty.status).toBe(503);
    expect(await empty.text()).toBe('');
    for (const res of [json, html, empty]) expect(res.headers.get('x-ratelimit-limit')).not.toBeNull();
  });

  it('send Retry-After as delta-seconds or as an HTTP-date in the future', async () => {
    sim.setFaults([
      { status: 429, retryAfter: { seconds: 3 } },
      { status: 503, retryAfter: { httpDateInSeconds: 5 } },
      { status: 429 },
    ]);
    expect((await get(sim, 'items')).headers.get('retry-after')).toBe('3');
    const before = Date.now();
    const dated = (await get(sim, 'items')).headers.get('retry-after')!;
    expect(dated).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/);
    const delta = Date.parse(dated) - before;
    expect(delta).toBeGreaterThanOrEqual(4000);
    expect(delta).toBeLessThanOrEqual(6500);
    expect((await get(sim, 'items')).headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('corrupt a 200 page in each documented way', async () => {
    const page = async () => {
      const res = await get(sim, 'items', { limit: 5 });
      expect(res.status).toBe(200);
      return res.text();
    };
    sim.setFaults([{ body: 'not-json' }]);
    const notJson = await page();
    expect(notJson.length).toBeGreaterThan(0);
    expect(() => JSON.parse(notJson)).toThrow();
    sim.setFaults([{ body: 'no-data' }]);
    expect(JSON.parse(await page())).not.toHaveProperty('data');
    sim.setFaults([{ body: 'data-not-array' }]);
    expect(Array.isArray(JSON.parse(await page()).data)).toBe(false);
    sim.setFaults([{ body: 'record-without-id' }]);
    const noId = JSON.parse(await page());
    expect(noId.data.filter((r: Record<string, unknown>) => !('id' in r))).toHaveLength(1);
    sim.setFaults([{ body: 'bad-updated_at' }]);
    const badTs = JSON.parse(await page());
    expect(() => expectValid(PAGE_SCHEMA.items, badTs)).toThrow(/date-time/);
    sim.setFaults([{ status: 200, body: 'html' }]);
    expect(await page()).toMatch(/<html>/);
    sim.setFaults([{ status: 200, body: 'empty' }]);
    expect(await page()).toBe('');
    // and the next request is normal again
    expectValid(PAGE_SCHEMA.items, JSON.parse(await page()));
  });

  it('drop the connection mid-response', async () => {
    sim.setFaults([{ drop: true }]);
    const res = await get(sim, 'items');
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow(/Premature close/);
    // raw socket view: fewer bytes than Content-Length arrived
    sim.setFaults([{ drop: true, status: 502, body: 'html' }]);
    const { status, received, error } = await new Promise<{ status: number; received: string; error: boolean }>((resolve) => {
      const req = http.get(urlFor(sim, 'items'), (r) => {
        let received = '';
        r.on('data', (c: Buffer) => (received += c.toString()));
        r.on('error', () => resolve({ status: r.statusCode!, received, error: true }));
        r.on('end', () => resolve({ status: r.statusCode!, received, error: false }));
      });
      req.on('error', () => resolve({ status: -1, received: '', error: true }));
    });
    expect(error).toBe(true);
    expect(status).toBe(502);
    expect(received.length).toBeGreaterThan(0); // part of the page arrived
    expect(received).not.toMatch(/<\/html>/);
    expect((await get(sim, 'items')).status).toBe(200);
  });

  it("drop the connection mid-response under a Content-Length (drop: 'content-length')", async () => {
    sim.setFaults([{ drop: 'content-length' }]);
    const { status, length, chunked, received, error } = await new Promise<{
      status: number;
      length: number;
      chunked: boolean;
      received: number;
      error: boolean;
    }>((resolve) => {
      const req = http.get(urlFor(sim, 'items'), (r) => {
        let received = 0;
        const done = (error: boolean) =>
          resolve({ status: r.statusCode!, length: Number(r.headers['content-length']), chunked: r.headers['transfer-encoding'] === 'chunked', received, error });
        r.on('data', (c: Buffer) => (received += c.length));
        r.on('error', () => done(true));
        r.on('end', () => done(false));
      });
      req.on('error', () => resolve({ status: -1, length: 0, chunked: false, received: 0, error: true }));
    });
    expect(status).toBe(200);
    expect(chunked).toBe(false);
    expect(error).toBe(true);
    expect(received).toBeGreaterThan(0); // half the page arrived …
    expect(received).toBeLessThan(length); // … of the length the headers announced
    expect((await get(sim, 'items')).status).toBe(200);
  });

  it('hang long enough for a client timeout', async () => {
    sim.setFaults([{ hangMs: 1500 }]);
    await expect(fetch(urlFor(sim, 'items'), { timeout: 200 })).rejects.toThrow(/timeout/);
    sim.setFaults([{ hangMs: 300, status: 504 }]);
    const started = Date.now();
    const res = await get(sim, 'items');
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('latencyMs delays every answer without blocking others', async () => {
    sim.setOptions({ latencyMs: 300 });
    try {
      const started = Date.now();
      const results = await Promise.all([get(sim, 'items'), get(sim, 'orders'), get(sim, 'items', {}, null)]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 401]);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(900 * 3); // concurrent, not serialised behind a blocked loop
    } finally {
      sim.setOptions({ latencyMs: 0 });
    }
  });

  it('close() ends hanging requests and open keep-alive sockets', async () => {
    const other = await startSimulator({ faults: [{ hangMs: 60_000 }] });
    const pending = get(other, 'items').then(
      () => 'answered',
      () => 'failed',
    );
    await sleep(100);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await pending).toBe('failed');
  });

  it('rejects nonsense rules', () => {
    expect(() => sim.setFaults([{ times: -1 }])).toThrow();
    expect(() => sim.setFaults([{ skip: 1.5 }])).toThrow();
    expect(() => sim.setFaults([{ drop: 'half' as never }])).toThrow(/drop/);
  });
});
