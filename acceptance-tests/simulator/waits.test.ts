/** The wait ledger (waits.ts) and the skewed Date, seen from real clients on their own connections. */
import http from 'http';
import { DEFAULT_API_KEY, Simulator, startSimulator } from './index';

/** One GET on `agent` (a single socket, so requests follow each other on one connection). */
function getOn(agent: http.Agent, sim: Simulator, path: string, key = DEFAULT_API_KEY): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${sim.url}${path}?limit=1&api_key=${key}`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const oneSocket = () => new http.Agent({ keepAlive: true, maxSockets: 1 });

describe('the wait ledger', () => {
  let sim: Simulator;
  const agents: http.Agent[] = [];
  const agent = () => {
    const a = oneSocket();
    agents.push(a);
    return a;
  };
  // A fresh simulator per test: a wait of one test must not reach into the next.
  beforeEach(async () => {
    sim = await startSimulator({ counts: { items: 5, customers: 5 }, apiKeys: [DEFAULT_API_KEY, 'other-key'] });
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) a.destroy();
    await sim.close();
  });

  test('a request sent on the connection that carried the 429, before its Retry-After: a breach, naming both', async () => {
    sim.setFaults([{ status: 429, retryAfter: { seconds: 30 } }]);
    const a = agent();
    expect((await getOn(a, sim, '/v1/items')).status).toBe(429);
    expect((await getOn(a, sim, '/v1/customers')).status).toBe(200);
    const { waits } = sim.stats();
    expect(waits.announced).toBe(1);
    expect(waits.breaches).toHaveLength(1);
    expect(waits.breaches[0]).toMatchObject({ path: '/v1/customers', announced: { path: '/v1/items', status: 429, retryAfter: '30' } });
    expect(waits.breaches[0].announced.until - waits.breaches[0].announced.writtenAt).toBe(30_000);
  });

  test('on another connection whose last answer came after the one that asked for the wait: a breach; on a fresh connection or with another key: not one', async () => {
    const before = sim.stats().waits;
    sim.setFaults([{ skip: 1, status: 503, retryAfter: { seconds: 30 } }]);
    const a = agent();
    const b = agent();
    expect((await getOn(b, sim, '/v1/items')).status).toBe(200); // b's connection: its last answer precedes the 503
    expect((await getOn(a, sim, '/v1/items')).status).toBe(503);
    expect((await getOn(b, sim, '/v1/items')).status).toBe(200); // unprovable: b's last answer came before the 503
    expect((await getOn(agent(), sim, '/v1/items')).status).toBe(200); // fresh connection: unprovable
    expect((await getOn(agent(), sim, '/v1/items', 'other-key')).status).toBe(200); // another key: not its wait
    const c = agent();
    await getOn(c, sim, '/v1/customers'); // unprovable, and now c's last answer came after the 503
    await getOn(c, sim, '/v1/customers'); // breach
    const after = sim.stats().waits;
    expect(after.announced - before.announced).toBe(1);
    expect(after.breaches.length - before.breaches.length).toBe(1);
    expect(after.unprovable - before.unprovable).toBe(3);
  });

  test('a 5xx other than 503, and a 503 without Retry-After, ask for no wait', async () => {
    const before = sim.stats().waits.announced;
    sim.setFaults([
      { status: 500, retryAfter: { seconds: 30 } },
      { status: 503 },
    ]);
    const a = agent();
    expect((await getOn(a, sim, '/v1/items')).status).toBe(500);
    expect((await getOn(a, sim, '/v1/items')).status).toBe(503);
    expect(sim.stats().waits.announced).toBe(before);
  });

  test('a 429 cut short still announces its wait', async () => {
    const before = sim.stats().waits.announced;
    sim.setFaults([{ status: 429, retryAfter: { seconds: 30 }, drop: 'content-length' }]);
    await getOn(agent(), sim, '/v1/items').catch(() => undefined);
    expect(sim.stats().waits.announced).toBe(before + 1);
  });
});

describe('dateSkewMs', () => {
  test("Date and an HTTP-date Retry-After are on the API's clock; the ledger converts the date back to the real clock", async () => {
    const skew = -3_600_000;
    const sim = await startSimulator({ counts: { items: 5 }, dateSkewMs: skew });
    const a = oneSocket();
    try {
      const before = Date.now();
      const ok = await getOn(a, sim, '/v1/items');
      const apiNow = Date.parse(ok.headers.date!);
      expect(apiNow).toBeGreaterThanOrEqual(Math.floor((before + skew) / 1000) * 1000);
      expect(apiNow).toBeLessThanOrEqual(Date.now() + skew);
      sim.setFaults([{ status: 429, retryAfter: { httpDateInSeconds: 5 } }]);
      const limited = await getOn(a, sim, '/v1/items');
      const asked = Date.parse(String(limited.headers['retry-after'])) - Date.parse(limited.headers.date!);
      expect(asked).toBeGreaterThanOrEqual(5_000);
      expect(asked).toBeLessThanOrEqual(6_000);
      await getOn(a, sim, '/v1/items');
      const { waits } = sim.stats();
      expect(waits.breaches).toHaveLength(1);
      expect(waits.breaches[0].announced.until).toBe(Date.parse(String(limited.headers['retry-after'])) - skew);
      sim.setOptions({ dateSkewMs: 0 });
      expect(Math.abs(Date.parse((await getOn(a, sim, '/v1/items')).headers.date!) - Date.now())).toBeLessThan(60_000);
    } finally {
      a.destroy();
      await sim.close();
    }
  });
});
