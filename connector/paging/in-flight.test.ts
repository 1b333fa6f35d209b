import { InFlightLimit, KEYSET_PROBE } from './in-flight';

describe('InFlightLimit', () => {
  test('starts at the maximum, drops to one page on a restart, earns one page back per page that passes its overlap check', () => {
    const l = new InFlightLimit(8);
    expect(l.value).toBe(8);
    expect(l.keyset).toBe(false);
    l.verified();
    expect(l.value).toBe(8);
    l.restarted();
    expect(l.value).toBe(1);
    expect(l.keyset).toBe(true);
    const seen = [];
    for (let i = 0; i < 9; i++) {
      l.verified();
      seen.push(l.value);
    }
    expect(seen).toEqual([2, 3, 4, 5, 6, 7, 8, 8, 8]);
  });

  test('pages asked by keyset (no overlap to check) earn one page back only every few, to probe whether the list calmed down', () => {
    const l = new InFlightLimit(8);
    l.restarted();
    const seen = [];
    for (let i = 0; i < 2 * KEYSET_PROBE; i++) {
      l.verified(false);
      seen.push(l.value);
    }
    expect(seen).toEqual([...Array(KEYSET_PROBE - 1).fill(1), 2, 2, 2, 2, 3]);
  });

  test('a maximum of one stays one, always by keyset', () => {
    const l = new InFlightLimit(1);
    l.verified();
    expect(l.value).toBe(1);
    expect(l.keyset).toBe(true);
    expect(() => new InFlightLimit(0)).toThrow();
  });
});
