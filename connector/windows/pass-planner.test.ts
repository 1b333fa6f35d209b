import { PassPlanner, Window } from './pass-planner';

/**
 * Runs the planner as the reader does, over passes whose first-page totals
 * are given; a tail's records end at `cursor(i)` when it has any.
 */
function drive(planner: PassPlanner, totals: number[], cursor: (i: number) => bigint | undefined = () => undefined) {
  const windows: Window[] = [];
  let t = 1000n;
  for (const [i, total] of totals.entries()) {
    const w = planner.next((t += 100n));
    if (!w) break;
    windows.push(w);
    if (!planner.admit(total)) continue;
    planner.complete(w.tail && total > 0 ? cursor(i) : undefined, total);
  }
  return windows;
}

describe('PassPlanner', () => {
  test('passes that shrink are read, each from where the one before ended; once one fits in a page a tail follows, and an empty tail ends the read', () => {
    const p = new PassPlanner(500n, 100);
    expect(drive(p, [3000, 900, 300, 90, 0, 5])).toEqual([
      { since: 500n, before: 1100n, tail: false },
      { since: 1100n, before: 1200n, tail: false },
      { since: 1200n, before: 1300n, tail: false },
      { since: 1300n, before: 1400n, tail: false },
      { since: 1400n, tail: true },
    ]);
    expect(p.passSizes).toEqual([3000, 900, 300, 90, 0]);
    expect(p.unread).toBeUndefined();
    expect(p.checkpoint).toBe(1400n);
    expect(p.next(2000n)).toBeUndefined();
  });

  test('a second pass no smaller than the one before ends the read (updates outpace reads); the checkpoint stays where the last full pass ended', () => {
    const p = new PassPlanner(undefined, 100);
    drive(p, [3000, 3000, 3100]);
    expect(p.passSizes).toEqual([3000, 3000]); // the first one that did not shrink is forgiven (noise)
    expect(p.unread).toBe(3100);
    expect(p.checkpoint).toBe(1200n);
    expect(p.next(5000n)).toBeUndefined();
  });

  test('a follow-up swollen once (a pause, the clock tightening) is forgiven, and the read goes on shrinking to its end', () => {
    const p = new PassPlanner(undefined, 100);
    drive(p, [3000, 400, 900, 200, 40, 0]);
    expect(p.passSizes).toEqual([3000, 400, 900, 200, 40, 0]);
    expect(p.unread).toBeUndefined();
  });

  test('tails that keep their size (a list updated as fast as it is read): one is read anyway, then the read stops at the last tail read', () => {
    const p = new PassPlanner(500n, 100);
    const windows = drive(p, [300, 20, 20, 20, 20], (i) => 2000n + BigInt(i));
    expect(windows.map((w) => w.tail)).toEqual([false, false, true, true]);
    expect(p.passSizes).toEqual([300, 20, 20]);
    expect(p.unread).toBe(20);
    expect(p.checkpoint).toBe(2002n); // the cursor of the last tail's last record
  });

  test('a tail that does not shrink is forgiven once, and only once', () => {
    const p = new PassPlanner(undefined, 100);
    drive(p, [5, 12, 12], (i) => 2000n + BigInt(i));
    expect(p.passSizes).toEqual([5, 12]);
    expect(p.unread).toBe(12);
    const q = new PassPlanner(undefined, 100);
    drive(q, [5, 12, 3, 0], (i) => 2000n + BigInt(i));
    expect(q.passSizes).toEqual([5, 12, 3, 0]);
    expect(q.unread).toBeUndefined();
  });

  test('an empty bounded pass is followed by a tail (its bound lags the API), and an empty tail ends the read', () => {
    const p = new PassPlanner(500n, 100);
    expect(drive(p, [0, 0, 7])).toEqual([
      { since: 500n, before: 1100n, tail: false },
      { since: 1100n, tail: true },
    ]);
    expect(p.checkpoint).toBe(1100n);
    expect(p.next(5000n)).toBeUndefined();
  });

  test('a lower bound after the start (a cursor from the future): no pass, the checkpoint keeps the cursor', () => {
    const p = new PassPlanner(10_000n, 100, () => 1350n);
    expect(p.next(1100n)).toBeUndefined();
    expect(p.checkpoint).toBe(10_000n);
  });

  test('a cursor at or after the clock but before the start (the clock knows whole seconds only): a tail reads past it', () => {
    const p = new PassPlanner(1200n, 100, () => 1350n);
    expect(p.next(1100n)).toEqual({ since: 1200n, tail: true });
    expect(p.admit(3)).toBe(true);
  });

  test('no lower bound: the first window is open below', () => {
    expect(new PassPlanner(undefined, 100).next(1100n)).toEqual({ since: undefined, before: 1100n, tail: false });
  });

  test('a quick pass that ends behind the start is followed by a tail, read whatever the sizes', () => {
    const p = new PassPlanner(500n, 100, () => 1350n);
    expect(p.next(1100n)).toEqual({ since: 500n, before: 1100n, tail: false });
    expect(p.admit(3)).toBe(true);
    p.complete();
    expect(p.next(1150n)).toEqual({ since: 1100n, tail: true });
    expect(p.admit(40)).toBe(true); // larger than the pass before, but these records may predate the start
    p.complete(1400n, 40);
    expect(p.next(1450n)).toEqual({ since: 1400n, tail: true });
    expect(p.admit(0)).toBe(true);
    p.complete(undefined);
    expect(p.next(1500n)).toBeUndefined();
    expect(p.checkpoint).toBe(1400n);
  });

  test('a tail that brings nothing not emitted yet (only the records at its inclusive bound) ends the read', () => {
    const p = new PassPlanner(1200n, 100, () => 1350n);
    expect(p.next(1100n)).toEqual({ since: 1200n, tail: true });
    expect(p.admit(1)).toBe(true);
    p.complete(1200n, 0);
    expect(p.next(1500n)).toBeUndefined();
    expect(p.checkpoint).toBe(1200n);
  });

  test('a tail behind the start that does not fit in a page: the read waits for the clock, then reads the rest as one bounded pass', () => {
    const p = new PassPlanner(500n, 100, () => 1350n);
    p.next(1100n);
    p.admit(40);
    p.complete();
    expect(p.next(1150n)).toEqual({ since: 1100n, tail: true });
    expect(p.admit(650)).toBe(false);
    expect(p.notBefore).toBe(1350n);
    expect(p.next(1360n)).toEqual({ since: 1100n, before: 1360n, tail: false });
    expect(p.admit(650)).toBe(true); // predates the start: read whatever its size
    p.complete();
    expect(p.notBefore).toBeUndefined();
    expect(p.next(1400n)).toEqual({ since: 1360n, before: 1400n, tail: false });
    expect(p.admit(700)).toBe(true); // no smaller, forgiven once
    p.complete();
    expect(p.next(1450n)).toEqual({ since: 1400n, before: 1450n, tail: false });
    expect(p.admit(800)).toBe(false); // no smaller again: updates outpace reads
    expect(p.unread).toBe(800);
    expect(p.checkpoint).toBe(1400n);
  });

  test('a tail that does not fit in a page once caught up: a bounded follow-up at once, judged by the shrink rule', () => {
    const p = new PassPlanner(500n, 100);
    p.next(1100n);
    p.admit(90);
    p.complete();
    expect(p.next(1200n)).toEqual({ since: 1100n, tail: true });
    expect(p.admit(150)).toBe(false);
    expect(p.notBefore).toBeUndefined();
    expect(p.next(1300n)).toEqual({ since: 1100n, before: 1300n, tail: false });
    expect(p.admit(150)).toBe(true); // 150 >= 90: forgiven once
    p.complete();
    expect(p.next(1400n)).toEqual({ since: 1300n, before: 1400n, tail: false });
    expect(p.admit(160)).toBe(false);
    expect(p.unread).toBe(160);
  });

  test('a window swollen by the clock tightening is read whatever its size, and forgives nothing', () => {
    const p = new PassPlanner(undefined, 100);
    p.next(1100n);
    p.admit(3000);
    p.complete();
    p.next(1200n);
    p.admit(400);
    p.complete();
    expect(p.next(1900n, true)).toEqual({ since: 1200n, before: 1900n, tail: false });
    expect(p.admit(900)).toBe(true);
    p.complete();
    p.next(2000n);
    expect(p.admit(950)).toBe(true); // the one forgiveness among bounded passes is still there
    p.complete();
    p.next(2100n);
    expect(p.admit(960)).toBe(false);
  });

  test('after a tail too big for a page, a swollen window is read whatever its size too', () => {
    const p = new PassPlanner(undefined, 100);
    p.next(1100n);
    p.admit(300);
    p.complete();
    p.next(1200n);
    p.admit(50);
    p.complete();
    expect(p.next(1250n)).toEqual({ since: 1200n, tail: true });
    expect(p.admit(400)).toBe(false);
    expect(p.next(1900n, true)).toEqual({ since: 1200n, before: 1900n, tail: false });
    expect(p.admit(400)).toBe(true);
  });
});
