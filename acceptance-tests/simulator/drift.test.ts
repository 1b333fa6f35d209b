/** Records updated while a client pages: update() and the drift option. */
import { Simulator, startSimulator } from './index';
import { agent, getPage, micros, readAll } from './test-helpers';

afterAll(() => agent.destroy());

describe('update()', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ counts: { items: 500 } });
  });
  afterEach(() => sim.close());

  it('moves records to the end with a new, newest updated_at and shifts the offsets behind them', async () => {
    const before = await readAll(sim, 'items');
    const newest = Math.max(...before.map((r) => micros(r.updated_at as string)));
    const ids = [before[10].id as string, before[3].id as string];
    const pageBefore = await getPage(sim, 'items', { offset: 0, limit: 20 });
    sim.update('items', ids);
    const after = await readAll(sim, 'items');
    expect(after).toHaveLength(500);
    expect(after.slice(-2).map((r) => r.id)).toEqual(ids);
    const [t1, t2] = after.slice(-2).map((r) => micros(r.updated_at as string));
    expect(t1).toBeGreaterThan(newest);
    expect(t2).toBeGreaterThan(t1);
    // Everything else is unchanged apart from updated_at.
    const { updated_at: _a, ...rest } = after[after.length - 1];
    const { updated_at: _b, ...orig } = before[3];
    expect(rest).toEqual(orig);
    // Offsets behind the moved records shift back by two.
    const pageAfter = await getPage(sim, 'items', { offset: 0, limit: 20 });
    expect(pageAfter.data.map((r) => r.id)).toEqual(
      [...pageBefore.data.map((r) => r.id).filter((id) => !ids.includes(id as string)), before[20].id, before[21].id],
    );
    expect(after).toEqual([...sim.records('items')]);
  });

  it('time filters see the new updated_at', async () => {
    const before = await readAll(sim, 'items');
    const cutoff = before[before.length - 1].updated_at as string;
    const tail = await getPage(sim, 'items', { updated_since: cutoff });
    sim.update('items', [before[0].id as string]);
    const tailAfter = await getPage(sim, 'items', { updated_since: cutoff });
    expect(tailAfter.total).toBe(tail.total + 1);
    expect(tailAfter.data[tailAfter.data.length - 1].id).toBe(before[0].id);
    const early = await getPage(sim, 'items', { updated_before: before[1].updated_at as string });
    expect(early.data.map((r) => r.id)).not.toContain(before[0].id);
  });

  it('refuses stock_summaries and unknown ids', () => {
    expect(() => sim.update('stock_summaries', ['ss_00000001'])).toThrow();
    expect(() => sim.update('items', ['itm_99999999'])).toThrow();
    expect(() => sim.update('items', ['cus_00000001'])).toThrow();
  });
});

describe('drift', () => {
  it('makes a naive offset loop skip records (the scenario bites)', async () => {
    const sim = await startSimulator({ counts: { orders: 1000 }, drift: { resource: 'orders', everyNthRequest: 2, moves: 3 } });
    try {
      const expectedIds = [...sim.records('orders')].map((r) => r.id);
      const seen = new Set((await readAll(sim, 'orders', {}, 100)).map((r) => r.id));
      const missed = expectedIds.filter((id) => !seen.has(id));
      // Requests 2, 4, 6, 8 and 10 each moved 3 already-seen records behind the cursor; the loop skipped that many.
      expect(missed.length).toBeGreaterThanOrEqual(9);
      expect(seen.size).toBeLessThan(1000);
      // Total is unchanged: records moved, none disappeared.
      expect((await getPage(sim, 'orders', { limit: 1 })).total).toBe(1000);
      expect(new Set([...sim.records('orders')].map((r) => r.id)).size).toBe(1000);
    } finally {
      await sim.close();
    }
  });

  it('moves only records before the request offset, within its filter, and to the end', async () => {
    const sim = await startSimulator({ counts: { items: 600 } });
    try {
      const all = [...sim.records('items')];
      const since = all[100].updated_at as string;
      const window = await readAll(sim, 'items', { updated_since: since });
      sim.setOptions({ drift: { resource: 'items', everyNthRequest: 1, moves: 4 } });
      await getPage(sim, 'items', { updated_since: since, offset: 200, limit: 50 });
      sim.setOptions({ drift: null });
      const after = [...sim.records('items')];
      const moved = after.slice(-4).map((r) => r.id);
      const seenBefore = new Set(window.slice(0, 200).map((r) => r.id));
      for (const id of moved) expect(seenBefore.has(id)).toBe(true);
      // Other resources and the unfiltered count are untouched.
      expect(after).toHaveLength(600);
      expect([...sim.records('orders')]).toHaveLength(250);
    } finally {
      await sim.close();
    }
  });

  it('does nothing on offset 0 and is rejected for stock_summaries', async () => {
    const sim = await startSimulator({ drift: { resource: 'customers', everyNthRequest: 1, moves: 5 } });
    try {
      const before = [...sim.records('customers')];
      await getPage(sim, 'customers', { offset: 0 });
      expect([...sim.records('customers')]).toEqual(before);
      expect(() => sim.setOptions({ drift: { resource: 'stock_summaries', everyNthRequest: 1, moves: 1 } })).toThrow();
    } finally {
      await sim.close();
    }
  });
});
