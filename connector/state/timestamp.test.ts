import { formatTimestamp, maxMicros, parseTimestamp } from './timestamp';

describe('parseTimestamp', () => {
  test('0 to 6 fraction digits denote the instants they say', () => {
    const base = parseTimestamp('2024-05-01T10:00:00Z')!;
    expect(parseTimestamp('2024-05-01T10:00:00.5Z')! - base).toBe(500_000n);
    expect(parseTimestamp('2024-05-01T10:00:00.05Z')! - base).toBe(50_000n);
    expect(parseTimestamp('2024-05-01T10:00:00.123Z')! - base).toBe(123_000n);
    expect(parseTimestamp('2024-05-01T10:00:00.123456Z')! - base).toBe(123_456n);
    expect(parseTimestamp('2024-05-01T10:00:00.000001Z')! - base).toBe(1n);
  });

  test('instants compare in time order where strings do not', () => {
    const whole = '2024-05-01T10:00:00Z';
    const half = '2024-05-01T10:00:00.5Z';
    expect(whole > half).toBe(true); // string order is wrong…
    expect(parseTimestamp(whole)! < parseTimestamp(half)!).toBe(true); // …instant order is right
  });

  test('one microsecond apart is not equal, far-future values keep microseconds', () => {
    expect(parseTimestamp('2999-12-31T23:59:59.999999Z')! - parseTimestamp('2999-12-31T23:59:59.999998Z')!).toBe(1n);
  });

  test('offsets are converted to UTC', () => {
    expect(parseTimestamp('2024-05-01T12:00:00+02:00')).toBe(parseTimestamp('2024-05-01T10:00:00Z'));
    expect(parseTimestamp('2024-05-01T05:30:00-04:30')).toBe(parseTimestamp('2024-05-01T10:00:00Z'));
  });

  test.each(['', 'yesterday', '2024-05-01', '2024-05-01T10:00:00', '2024-13-01T00:00:00Z', '2024-02-30T00:00:00Z', '2024-05-01T24:00:00Z', 1714557600, null])(
    'rejects %p',
    (v) => {
      expect(parseTimestamp(v)).toBeUndefined();
    },
  );
});

describe('formatTimestamp', () => {
  test('canonical: UTC, six digits, Z; round-trips', () => {
    for (const s of ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.5Z', '2024-05-01T12:00:00.123456+02:00', '1969-12-31T23:59:59.999999Z']) {
      const us = parseTimestamp(s)!;
      const canonical = formatTimestamp(us);
      expect(canonical).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(parseTimestamp(canonical)).toBe(us);
    }
    expect(formatTimestamp(parseTimestamp('2024-05-01T10:00:00.5Z')!)).toBe('2024-05-01T10:00:00.500000Z');
  });

  test('maxMicros ignores undefined', () => {
    expect(maxMicros(undefined, 3n)).toBe(3n);
    expect(maxMicros(5n, 3n)).toBe(5n);
    expect(maxMicros(undefined, undefined)).toBeUndefined();
  });
});
