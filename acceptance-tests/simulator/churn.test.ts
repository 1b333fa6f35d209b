/** Churn: random records of a hot table updated per served request or per second. */
import { Simulator, startSimulator } from './index';
import { agent, getPage, micros } from './test-helpers';

afterAll(() => agent.destroy());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const movedCount = (sim: Simulator, originalNewest: number) =>
  [...sim.records('items')].filter((r) => micros(r.updated_at as string) > originalNewest).length;

describe('churn', () => {
  let sim: Simulator;
  afterEach(() => sim.close());

  it('perRequest: every served list request of the resource updates that many random records, read or not', async () => {
    sim = await startSimulator({ counts: { items: 1000 }, churn: { resource: 'items', perRequest: 20 } });
    const newest = Math.max(...[...sim.records('items')].map((r) => micros(r.updated_at as string)));
    await getPage(sim, 'items', { offset: 0, limit: 10 });
    await getPage(sim, 'items', { offset: 500, limit: 10 });
    await getPage(sim, 'customers', { offset: 0, limit: 10 }); // another resource: no churn
    expect(sim.stats().churnUpdates).toBe(40);
    const moved = movedCount(sim, newest);
    // Random picks can repeat, and they fall anywhere in the list (not only before the offsets read).
    expect(moved).toBeGreaterThan(30);
    expect(moved).toBeLessThanOrEqual(40);
    const movedIds = [...sim.records('items')].slice(1000 - moved).map((r) => Number(String(r.id).slice(4)));
    expect(movedIds.some((i) => i > 510)).toBe(true);
  });

  it('perSecond: updates arrive on a clock, with no request at all, and stop when churn is switched off', async () => {
    sim = await startSimulator({ counts: { items: 1000 }, churn: { resource: 'items', perSecond: 500 } });
    await sleep(400);
    const n = sim.stats().churnUpdates;
    expect(n).toBeGreaterThan(50);
    sim.setOptions({ churn: null });
    const after = sim.stats().churnUpdates;
    await sleep(200);
    expect(sim.stats().churnUpdates).toBe(after);
  });

  it('among: only the oldest share of the records is ever updated', async () => {
    sim = await startSimulator({ counts: { items: 1000 }, churn: { resource: 'items', perRequest: 300, among: 0.25 } });
    const original = new Map([...sim.records('items')].map((r) => [String(r.id), r.updated_at]));
    for (let i = 0; i < 5; i++) await getPage(sim, 'items', { offset: 0, limit: 1 });
    const touched = [...sim.records('items')].filter((r) => r.updated_at !== original.get(String(r.id))).map((r) => Number(String(r.id).slice(4)));
    expect(touched.length).toBeGreaterThan(200);
    expect(Math.max(...touched)).toBeLessThanOrEqual(250);
    await expect(startSimulator({ churn: { resource: 'items', perRequest: 1, among: 0 } })).rejects.toThrow(/among/);
  });

  it('rejects churn on a resource without updated_at, and negative rates', async () => {
    await expect(startSimulator({ churn: { resource: 'stock_summaries', perRequest: 1 } })).rejects.toThrow(/incremental/);
    await expect(startSimulator({ churn: { resource: 'items', perSecond: -1 } })).rejects.toThrow(/>= 0/);
    sim = await startSimulator({});
  });
});
