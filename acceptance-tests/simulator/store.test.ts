import { Rng } from './random';
import { ResourceStore, TimeFilter } from './store';
import { BLOCK_SIZE, TIMELINE_END, TIMELINE_START, Timeline } from './timeline';

describe('Timeline', () => {
  const count = 20_000;
  const timeline = new Timeline(42, 2, count);
  const all = Array.from({ length: count }, (_, i) => timeline.at(i));

  it('is non-decreasing, in 2024-2025, and the same when computed again', () => {
    for (let i = 1; i < count; i++) expect(all[i]).toBeGreaterThanOrEqual(all[i - 1]);
    expect(all[0]).toBeGreaterThan(TIMELINE_START);
    expect(all[count - 1]).toBeLessThan(TIMELINE_END);
    const again = new Timeline(42, 2, count);
    for (const i of [0, 1, 255, 256, 9_999, count - 1]) expect(again.at(i)).toBe(all[i]);
    expect(new Timeline(43, 2, count).at(5000)).not.toBe(all[5000]);
  });

  it('has tie groups of all sizes, some larger than 100, and mixed precision', () => {
    const groups: number[] = [];
    let run = 1;
    for (let i = 1; i <= count; i++) {
      if (i < count && all[i] === all[i - 1]) run++;
      else {
        groups.push(run);
        run = 1;
      }
    }
    expect(groups.filter((g) => g === 1).length).toBeGreaterThan(100);
    expect(groups.filter((g) => g >= 2 && g <= 10).length).toBeGreaterThan(100);
    expect(groups.filter((g) => g > 100).length).toBeGreaterThan(3);
    expect(groups.some((g) => g >= 150)).toBe(true);

    const digits = new Set(all.map((us) => (us % 1_000_000 === 0 ? 0 : String(us % 1_000_000).padStart(6, '0').replace(/0+$/, '').length)));
    for (const d of [0, 1, 2, 3, 6]) expect(digits).toContain(d);
  });

  it('puts a bulk import of more than 100 records into the first 256 when there is room', () => {
    const small = new Timeline(7, 1, 250);
    const counts = new Map<number, number>();
    for (let i = 0; i < 250; i++) counts.set(small.at(i), (counts.get(small.at(i)) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeGreaterThan(100);
  });

  it('lowerBound finds the first index at or after an instant', () => {
    const rng = new Rng(1);
    for (let k = 0; k < 200; k++) {
      const t = all[rng.int(0, count - 1)] + rng.int(-1, 1);
      const expected = all.findIndex((x) => x >= t);
      expect(timeline.lowerBound(t)).toBe(expected === -1 ? count : expected);
    }
    expect(timeline.lowerBound(-Infinity)).toBe(0);
    expect(timeline.lowerBound(Infinity)).toBe(count);
  });

  it('handles counts that are not a multiple of the block size, and zero', () => {
    const odd = new Timeline(42, 3, BLOCK_SIZE + 3);
    expect(odd.at(BLOCK_SIZE + 2)).toBeGreaterThan(odd.at(BLOCK_SIZE - 1));
    expect(new Timeline(42, 3, 0).lowerBound(0)).toBe(0);
  });
});

/** An independent model: every record with its current instant, sorted the slow way. */
class NaiveModel {
  at: number[];
  moveSeq: number[];
  private seq = 0;

  constructor(timeline: Timeline, count: number) {
    this.at = Array.from({ length: count }, (_, i) => timeline.at(i));
    this.moveSeq = new Array<number>(count).fill(-1);
  }

  move(index: number, nowUs: number): void {
    this.at[index] = Math.max(nowUs, Math.max(...this.at) + 1);
    this.moveSeq[index] = this.seq++;
  }

  query(filter: TimeFilter): number[] {
    return this.at
      .map((at, index) => ({ at, index }))
      .filter((e) => (filter.since === undefined || e.at >= filter.since) && (filter.before === undefined || e.at < filter.before))
      .sort((a, b) => a.at - b.at || a.index - b.index)
      .map((e) => e.index);
  }
}

describe('ResourceStore', () => {
  const count = 700;
  const make = () => {
    const timeline = new Timeline(9, 4, count);
    const store = new ResourceStore(count, timeline, (index, originalAt, currentAt) => ({ index, originalAt, currentAt }));
    return { timeline, store, model: new NaiveModel(timeline, count) };
  };
  const indicesOf = (records: Array<Record<string, unknown>>) => records.map((r) => r.index as number);

  it('serves pages of the unfiltered order with the right total', () => {
    const { store, model } = make();
    const expected = model.query({});
    expect(store.total()).toBe(count);
    expect(indicesOf(store.page({}, 0, 100).data)).toEqual(expected.slice(0, 100));
    expect(indicesOf(store.page({}, 650, 100).data)).toEqual(expected.slice(650));
    expect(store.page({}, 700, 100).data).toEqual([]);
    expect(store.page({}, 10_000, 100)).toEqual({ total: count, data: [] });
  });

  it('matches the naive model under random moves, filters and pages', () => {
    const { store, model, timeline } = make();
    const rng = new Rng(5);
    let now = TIMELINE_END + 1_000_000;
    for (let round = 0; round < 60; round++) {
      // Some updates, including records updated twice.
      const batch = Array.from({ length: rng.int(0, 6) }, () => rng.int(0, count - 1));
      now += rng.int(0, 2) * 1000; // sometimes the same "now": moves must still get distinct instants
      store.move(batch, now);
      for (const index of batch) model.move(index, now);

      const pick = () => (rng.chance(0.7) ? timeline.at(rng.int(0, count - 1)) + rng.int(-1, 1) : model.at[rng.int(0, count - 1)]);
      const filter: TimeFilter = {};
      if (rng.chance(0.6)) filter.since = pick();
      if (rng.chance(0.6)) filter.before = pick();
      const expected = model.query(filter);
      expect(store.total(filter)).toBe(expected.length);
      const offset = rng.int(0, expected.length + 5);
      const limit = rng.int(1, 100);
      const page = store.page(filter, offset, limit);
      expect(page.total).toBe(expected.length);
      expect(indicesOf(page.data)).toEqual(expected.slice(offset, offset + limit));
      for (const r of page.data) expect(r.currentAt).toBe(model.at[r.index as number]);
    }
    expect(indicesOf([...store.all()])).toEqual(model.query({}));
  });

  it('moves updated records to the end with strictly increasing, newer instants', () => {
    const { store, timeline } = make();
    store.move([3, 1], 0); // a clock far in the past still yields instants after every record
    const all = [...store.all()];
    expect(indicesOf(all.slice(-2))).toEqual([3, 1]);
    const [a, b] = all.slice(-2).map((r) => r.currentAt as number);
    expect(a).toBeGreaterThan(timeline.at(count - 1));
    expect(b).toBeGreaterThan(a);
    expect(all.slice(-2).map((r) => r.originalAt)).toEqual([timeline.at(3), timeline.at(1)]);
    expect(() => store.move([count], 0)).toThrow();
  });

  it('resolves positions in a filtered order', () => {
    const { store, model, timeline } = make();
    const filter = { since: timeline.at(100) };
    const expected = model.query(filter);
    expect(store.at(filter, [0, 5, expected.length - 1, expected.length]).map((e) => e.index)).toEqual([
      expected[0],
      expected[5],
      expected[expected.length - 1],
    ]);
  });

  it('refuses time filters and moves without a timeline', () => {
    const store = new ResourceStore(10, null, (index) => ({ index }));
    expect(indicesOf(store.page({}, 8, 5).data)).toEqual([8, 9]);
    expect(() => store.total({ since: 0 })).toThrow();
    expect(() => store.move([1], 0)).toThrow();
  });
});
