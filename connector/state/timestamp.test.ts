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

  test('month lengths and leap years, 1900 and 2100 not leap, 2000 and 2024 leap', () => {
    for (const [text, ok] of [
      ['2024-02-29T00:00:00Z', true],
      ['2000-02-29T00:00:00Z', true],
      ['1900-02-29T00:00:00Z', false],
      ['2100-02-29T00:00:00Z', false],
      ['2025-02-28T00:00:00Z', true],
      ['2025-04-31T00:00:00Z', false],
      ['2025-12-31T00:00:00Z', true],
    ] as const) {
      expect([text, parseTimestamp(text) !== undefined]).toEqual([text, ok]);
    }
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

/** The parser as a regular expression: the definition the character-code parser must agree with. */
function reference(text: unknown): bigint | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, , sign, oh, om] = m;
  const year = +y, month = +mo, day = +d;
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  if (+h > 23 || +mi > 59 || +sec > 59 || (sign && (+oh > 23 || +om > 59))) return undefined;
  const offset = sign ? (sign === '-' ? -1 : 1) * (+oh * 60 + +om) : 0;
  const ms = Date.UTC(year, month - 1, day, +h, +mi, +sec) - offset * 60_000;
  return BigInt(ms) * 1000n + (frac ? BigInt((frac + '000000').slice(0, 6)) : 0n);
}

describe('parseTimestamp agrees with its definition as a regular expression', () => {
  test('on 20,000 random strings near the format, valid and not', () => {
    let seed = 99;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const d = (n: number) => Array.from({ length: n }, () => pick([...'0123456789x'.slice(0, random() < 0.97 ? 10 : 11)])).join('');
    let valid = 0;
    const two = (n: number) => String(n).padStart(2, '0');
    for (let k = 0; k < 20_000; k++) {
      // A valid timestamp (any day of any month, some of them invalid days), then, half the time, one character changed.
      let text =
        pick(['1969', '1970', '2024', '2100', '2000', '9999', '0001', d(4)]) + '-' + two(1 + Math.floor(random() * 13)) + '-' +
        two(1 + Math.floor(random() * 31)) + pick(['T', 't', ' ']) + two(Math.floor(random() * 25)) + ':' + two(Math.floor(random() * 61)) + ':' +
        two(Math.floor(random() * 61)) + pick(['', '', '.' + d(1), '.' + d(3), '.' + d(6), '.' + d(9), '.' + d(10)]) +
        pick(['Z', 'z', '+00:00', '-04:30', '+23:59', '+24:00', '-00:60', '+0100']);
      if (random() < 0.5) {
        const at = Math.floor(random() * text.length);
        text = text.slice(0, at) + pick(['', 'x', '0', '9', ':', '-', '.', 'Z', text[at] + text[at]]) + text.slice(at + 1);
      }
      const got = parseTimestamp(text);
      expect([text, got]).toEqual([text, reference(text)]);
      if (got !== undefined) valid++;
    }
    expect(valid).toBeGreaterThan(1000); // both sides of the definition are exercised
  });
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
