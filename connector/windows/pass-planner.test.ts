import type { Page, Row } from '../records/selector';
import { PassPlanner } from './pass-planner';

const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, cursor: BigInt(i), record: {} }));
const page = (n: number, total: number): Page => ({ rows: rows(n), total });

describe('PassPlanner: what a pass reads is decided by the data alone', () => {
  test('an opening that holds the whole rest is a snapshot: one response, the read is complete', () => {
    const p = new PassPlanner({ pageSize: 100 });
    expect(p.plan(page(0, 0), 100)).toBe('snapshot');
    expect(p.plan(page(37, 37), 100)).toBe('snapshot');
    expect(p.plan(page(100, 100), 100)).toBe('snapshot');
  });

  test('a short rest (a few of the pages the server serves) is followed to the end of the list', () => {
    const p = new PassPlanner({ pageSize: 100 });
    expect(p.plan(page(100, 101), 100)).toBe('follow');
    expect(p.plan(page(100, 300), 100)).toBe('follow');
    // A server that caps pages at 50: three of its pages.
    expect(new PassPlanner({ pageSize: 100 }).plan(page(50, 150), 50)).toBe('follow');
    expect(new PassPlanner({ pageSize: 100 }).plan(page(50, 151), 50)).toBe('bounded');
  });

  test('a long rest is read bounded by its newest record', () => {
    const p = new PassPlanner({ pageSize: 100 });
    expect(p.plan(page(100, 301), 100)).toBe('bounded');
    expect(p.bound(5_000_000n)).toBe(5_000_001n); // the newest record's instant plus 1 µs: it is inside the window
  });

  test('after a bounded pass that found nothing new, the rest is followed whatever its size, so every pass spends budget or ends the read', () => {
    const p = new PassPlanner({ pageSize: 100 });
    expect(p.plan(page(100, 5000), 100, true)).toBe('follow');
  });

  test('end_date caps every bound', () => {
    const p = new PassPlanner({ pageSize: 100, end: 4_000_000n });
    expect(p.end).toBe(4_000_000n);
    expect(p.bound(9_000_000n)).toBe(4_000_000n);
    expect(p.bound(1_000_000n)).toBe(1_000_001n);
  });

  test('the budget is three times what the stream held at its start (the first opening), at least a page', () => {
    const p = new PassPlanner({ pageSize: 100 });
    p.plan(page(100, 3000), 100);
    p.plan(page(100, 10), 100); // later openings do not change what the stream held at its start
    expect(p.heldAtStart).toBe(3000);
    expect(p.budget).toBe(9000);
    expect(p.emit(8900)).toBe(true);
    expect(p.emit(100)).toBe(true);
    expect(p.emit(1)).toBe(false); // never more than the budget: the page that would pass it is not emitted
    expect(p.emitted).toBe(9000);
    const small = new PassPlanner({ pageSize: 100 });
    small.plan(page(5, 5), 100);
    expect(small.budget).toBe(300);
  });
});
