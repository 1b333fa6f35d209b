import { InFlightLimit } from './in-flight';

describe('InFlightLimit', () => {
  test('starts at the maximum, drops to one page on a restart, earns one page back per verified page', () => {
    const l = new InFlightLimit(8);
    expect(l.value).toBe(8);
    l.verified();
    expect(l.value).toBe(8);
    l.restarted();
    expect(l.value).toBe(1);
    const seen = [];
    for (let i = 0; i < 9; i++) {
      l.verified();
      seen.push(l.value);
    }
    expect(seen).toEqual([2, 3, 4, 5, 6, 7, 8, 8, 8]);
  });

  test('a maximum of one stays one', () => {
    const l = new InFlightLimit(1);
    l.verified();
    expect(l.value).toBe(1);
    expect(() => new InFlightLimit(0)).toThrow();
  });
});
