/** A million records per resource, generated lazily. */
import { RESOURCES, Simulator, startSimulator } from './index';
import { PAGE_SCHEMA, agent, expectValid, getPage, micros } from './test-helpers';

const MILLION = 1_000_000;

describe('1,000,000 records', () => {
  let sim: Simulator;
  let rssBefore: number;

  beforeAll(async () => {
    rssBefore = process.memoryUsage().rss;
    sim = await startSimulator({ counts: Object.fromEntries(RESOURCES.map((r) => [r, MILLION])) });
  });
  afterAll(async () => {
    await sim.close();
    agent.destroy();
  });

  it('serves deep pages of every resource with small memory', async () => {
    for (const resource of RESOURCES) {
      for (const offset of [MILLION - 100, 500_000, 0, MILLION - 1]) {
        const page = await getPage(sim, resource, { offset });
        expect(page.total).toBe(MILLION);
        expect(page.data).toHaveLength(Math.min(100, MILLION - offset));
        expectValid(PAGE_SCHEMA[resource], page);
      }
    }
    const last = await getPage(sim, 'items', { offset: MILLION - 1 });
    expect(last.data[0].id).toBe('itm_01000000');
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it('filters deep in the timeline, with updates, at scale', async () => {
    const probe = await getPage(sim, 'orders', { offset: 765_432, limit: 1 });
    const since = probe.data[0].updated_at as string;
    const page = await getPage(sim, 'orders', { updated_since: since, limit: 100 });
    expect(page.total).toBeGreaterThanOrEqual(MILLION - 765_432);
    expect(page.total).toBeLessThan(MILLION - 765_432 + 300); // ties before the probe
    for (const r of page.data) expect(micros(r.updated_at as string)).toBeGreaterThanOrEqual(micros(since));
    sim.update('orders', ['ord_00000001', 'ord_00999999']);
    const tail = await getPage(sim, 'orders', { offset: MILLION - 2 });
    expect(tail.data.map((r) => r.id)).toEqual(['ord_00000001', 'ord_00999999']);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  });
});
