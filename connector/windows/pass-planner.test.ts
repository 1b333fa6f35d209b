import { PassPlanner } from './pass-planner';

/** Runs the planner over a list whose pass sizes are given, as the reader does. */
function drive(planner: PassPlanner, totals: number[]) {
  const windows = [];
  let t = 1000n;
  for (const total of totals) {
    const w = planner.next((t += 100n));
    if (!w) break;
    windows.push(w);
    if (!planner.admit(total)) break;
    planner.complete();
  }
  return windows;
}

describe('PassPlanner', () => {
  test('passes that shrink are read until one is empty; each starts where the one before ended', () => {
    const p = new PassPlanner(500n, 100);
    const windows = drive(p, [3000, 900, 300, 90, 0, 5]);
    expect(windows).toEqual([
      { since: 500n, before: 1100n, tail: false },
      { since: 1100n, before: 1200n, tail: false },
      { since: 1200n, before: 1300n, tail: false },
      { since: 1300n, before: 1400n, tail: false },
      { since: 1400n, before: 1500n, tail: false },
    ]);
    expect(p.passSizes).toEqual([3000, 900, 300, 90, 0]);
    expect(p.unread).toBeUndefined();
    expect(p.checkpoint).toBe(1500n);
    expect(p.next(2000n)).toBeUndefined();
  });

  test('a pass no smaller than the one before ends the read (updates outpace reads); the checkpoint stays at the last full pass', () => {
    const p = new PassPlanner(undefined, 100);
    drive(p, [3000, 3000]);
    expect(p.passSizes).toEqual([3000]);
    expect(p.unread).toBe(3000);
    expect(p.checkpoint).toBe(1100n);
    expect(p.next(5000n)).toBeUndefined();
  });

  test('a pass that fits in one page is read once even when it does not shrink, and only once', () => {
    const p = new PassPlanner(undefined, 100);
    drive(p, [5, 12, 12]);
    expect(p.passSizes).toEqual([5, 12]);
    expect(p.unread).toBe(12);
    const q = new PassPlanner(undefined, 100);
    drive(q, [5, 12, 3, 0]);
    expect(q.passSizes).toEqual([5, 12, 3, 0]);
    expect(q.unread).toBeUndefined();
  });

  test('an empty first pass ends the read at once', () => {
    const p = new PassPlanner(500n, 100);
    expect(drive(p, [0, 7])).toHaveLength(1);
    expect(p.checkpoint).toBe(1100n);
  });

  test('a lower bound at or after now (a cursor from the future): no pass, the checkpoint keeps the cursor', () => {
    const p = new PassPlanner(10_000n, 100, () => 1350n);
    expect(p.next(1100n)).toBeUndefined();
    expect(p.checkpoint).toBe(10_000n);
  });

  test('no lower bound: the first window is open below', () => {
    expect(new PassPlanner(undefined, 100).next(1100n)).toEqual({ since: undefined, before: 1100n, tail: false });
  });

  test('a quick read that has not reached the moment the stream started ends with a tail: one unbounded page from the last bound', () => {
    const p = new PassPlanner(500n, 100, () => 1350n);
    expect(p.next(1100n)).toEqual({ since: 500n, before: 1100n, tail: false });
    expect(p.admit(0)).toBe(true);
    p.complete();
    // Records updated just before the stream started may lie past the bound: read them if they fit in a page.
    expect(p.next(1150n)).toEqual({ since: 1100n, tail: true });
    expect(p.admit(3)).toBe(true);
    p.complete(1400n);
    expect(p.next(1500n)).toBeUndefined();
    expect(p.checkpoint).toBe(1400n);
  });

  test('an empty tail keeps the bound as the checkpoint', () => {
    const p = new PassPlanner(500n, 100, () => 1350n);
    p.next(1100n);
    p.admit(0);
    p.complete();
    p.next(1150n);
    expect(p.admit(0)).toBe(true);
    p.complete(undefined);
    expect(p.checkpoint).toBe(1100n);
    expect(p.next(2000n)).toBeUndefined();
  });

  test('a tail too big for one page is not read: the read waits until the clock passes the start, then goes on bounded', () => {
    const p = new PassPlanner(500n, 100, () => 1350n);
    p.next(1100n);
    p.admit(0);
    p.complete();
    p.next(1150n);
    expect(p.admit(180)).toBe(false);
    expect(p.notBefore).toBe(1350n);
    expect(p.next(1360n)).toEqual({ since: 1100n, before: 1360n, tail: false });
    expect(p.admit(180)).toBe(true);
    p.complete();
    expect(p.notBefore).toBeUndefined();
    expect(p.next(1400n)).toEqual({ since: 1360n, before: 1400n, tail: false });
    expect(p.admit(0)).toBe(true);
    p.complete();
    expect(p.next(1450n)).toBeUndefined();
    expect(p.checkpoint).toBe(1400n);
  });

  test('a cursor at or after the clock but before the stream started (the clock knows whole seconds only): the tail reads past it', () => {
    const p = new PassPlanner(1200n, 100, () => 1350n);
    expect(p.next(1100n)).toEqual({ since: 1200n, tail: true });
  });

  test('a backlog from before the start (records updated in the last second before it) is read whole, whatever the pass sizes', () => {
    const p = new PassPlanner(500n, 100, () => 1350n);
    p.next(1100n);
    expect(p.admit(40)).toBe(true);
    p.complete();
    expect(p.next(1150n)).toEqual({ since: 1100n, tail: true });
    expect(p.admit(650)).toBe(false); // too big for one page
    expect(p.notBefore).toBe(1350n);
    expect(p.next(1360n)).toEqual({ since: 1100n, before: 1360n, tail: false });
    expect(p.admit(650)).toBe(true); // larger than the pass before, but it predates the start: read
    p.complete();
    expect(p.next(1400n)).toEqual({ since: 1360n, before: 1400n, tail: false });
    expect(p.admit(700)).toBe(false); // a follow-up no smaller: updates outpace reads
    expect(p.unread).toBe(700);
    expect(p.checkpoint).toBe(1360n);
  });
});
