import { formatTimestamp, parseTimestamp } from './time';

describe('parseTimestamp', () => {
  const base = Date.UTC(2024, 4, 1, 10, 0, 0) * 1000;

  it('reads Z timestamps with 0 to 9 fraction digits at microsecond precision', () => {
    expect(parseTimestamp('2024-05-01T10:00:00Z')).toBe(base);
    expect(parseTimestamp('2024-05-01T10:00:00.5Z')).toBe(base + 500_000);
    expect(parseTimestamp('2024-05-01T10:00:00.12Z')).toBe(base + 120_000);
    expect(parseTimestamp('2024-05-01T10:00:00.123Z')).toBe(base + 123_000);
    expect(parseTimestamp('2024-05-01T10:00:00.123456Z')).toBe(base + 123_456);
    expect(parseTimestamp('2024-05-01T10:00:00.000001Z')).toBe(base + 1);
  });

  it('rounds sub-microsecond digits up so inclusive/exclusive bounds stay exact', () => {
    expect(parseTimestamp('2024-05-01T10:00:00.123456000Z')).toBe(base + 123_456);
    expect(parseTimestamp('2024-05-01T10:00:00.1234561Z')).toBe(base + 123_457);
    expect(parseTimestamp('2024-05-01T10:00:00.000000001Z')).toBe(base + 1);
  });

  it('applies numeric offsets', () => {
    expect(parseTimestamp('2024-05-01T12:00:00+02:00')).toBe(base);
    expect(parseTimestamp('2024-05-01T05:30:00.5-04:30')).toBe(base + 500_000);
    expect(parseTimestamp('2024-05-01T10:00:00-00:00')).toBe(base);
    expect(parseTimestamp('2024-05-01t10:00:00z')).toBe(base);
  });

  it('knows the calendar', () => {
    expect(parseTimestamp('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29) * 1000);
    expect(parseTimestamp('1999-12-31T23:59:59Z')).toBe(Date.UTC(1999, 11, 31, 23, 59, 59) * 1000);
    expect(parseTimestamp('0001-01-01T00:00:00Z')).toBe(-62135596800 * 1_000_000);
  });

  it.each([
    '',
    '2024-05-01',
    '2024-05-01T10:00:00',
    '2024-05-01 10:00:00Z',
    '2024-05-01T10:00Z',
    '2024-05-01T10:00:00.Z',
    '2024-05-01T10:00:00.1234567890Z',
    '2024-13-01T10:00:00Z',
    '2023-02-29T10:00:00Z',
    '2024-04-31T10:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T10:60:00Z',
    '2024-05-01T10:00:60Z',
    '2024-05-01T10:00:00+0200',
    '2024-05-01T10:00:00+24:00',
    '2024-5-1T10:00:00Z',
    'yesterday',
  ])('rejects %p', (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });

  it("orders '…:00Z' before '…:00.5Z' although the strings sort the other way", () => {
    const whole = '2024-05-01T10:00:00Z';
    const half = '2024-05-01T10:00:00.5Z';
    expect(whole > half).toBe(true); // the trap: 'Z' sorts after '.'
    expect(parseTimestamp(whole)!).toBeLessThan(parseTimestamp(half)!);
  });
});

describe('formatTimestamp', () => {
  it('uses the fewest fraction digits that keep the instant', () => {
    const base = Date.UTC(2024, 4, 1, 10, 0, 0) * 1000;
    expect(formatTimestamp(base)).toBe('2024-05-01T10:00:00Z');
    expect(formatTimestamp(base + 500_000)).toBe('2024-05-01T10:00:00.5Z');
    expect(formatTimestamp(base + 120_000)).toBe('2024-05-01T10:00:00.12Z');
    expect(formatTimestamp(base + 123_456)).toBe('2024-05-01T10:00:00.123456Z');
    expect(formatTimestamp(base + 1)).toBe('2024-05-01T10:00:00.000001Z');
  });

  it('round-trips through parseTimestamp', () => {
    for (const us of [0, 1, 999_999, 1_714_557_600_123_456, 1_735_689_599_999_999]) {
      expect(parseTimestamp(formatTimestamp(us))).toBe(us);
    }
  });
});
