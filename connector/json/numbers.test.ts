import { decimalKey, leaves } from '../../acceptance-tests/helpers/raw-json';
import { Rng } from '../../acceptance-tests/simulator/random';
import { decimalOf, integerShape, isExactAsDouble, isJsonObject, mayHoldInexactNumber, RawNumber, safeIntegerOf } from './numbers';

/**
 * The pre-check and the lexeme rule, checked against the truth: a lexeme is
 * lossy when JSON.stringify(JSON.parse(lexeme)) has another exact decimal value
 * (compared with decimalKey: BigInt and string arithmetic, never a double).
 */
const lossyThroughDouble = (lexeme: string): boolean => {
  const written = JSON.stringify(JSON.parse(lexeme));
  return written === 'null' || decimalKey(written) !== decimalKey(lexeme);
};

const digits = (rng: Rng, n: number, first = '0123456789'): string => {
  let s = n > 0 ? rng.pick([...first]) : '';
  for (let k = 1; k < n; k++) s += rng.pick([...'0123456789']);
  return s;
};
/** Lengths around the edges that matter: 15/16 digits, 2/3 exponent digits, long runs of zeros. */
const length = (rng: Rng): number => rng.pick([1, 1, 2, 3, 5, 8, 13, 14, 15, 15, 16, 16, 17, 20, 25, 40]);

/** A random JSON number lexeme: any sign, integer part, fraction (often with leading zeros), exponent. */
function randomLexeme(rng: Rng): string {
  const sign = rng.chance(0.3) ? '-' : '';
  const whole = rng.chance(0.3) ? '0' : digits(rng, length(rng), '123456789');
  let fraction = '';
  if (rng.chance(0.6)) {
    const zeros = rng.chance(0.3) ? '0'.repeat(rng.pick([1, 5, 14, 15, 16, 300, 330])) : '';
    fraction = `.${zeros}${digits(rng, rng.chance(0.2) ? 0 : length(rng))}`;
    if (fraction === '.') fraction = '.0';
  }
  let exponent = '';
  if (rng.chance(0.4)) {
    const e = rng.pick(['e', 'E']);
    const s = rng.pick(['', '+', '-']);
    exponent = `${e}${s}${rng.chance(0.1) ? '00' : ''}${digits(rng, rng.pick([1, 2, 2, 3, 3, 4]))}`;
  }
  if (rng.chance(0.05)) return rng.pick(['0', '-0', '-0.0', '0e0', '-0E-0', '9007199254740993', '1e400', '1E-400', '5e-324', '1.7976931348623157e308', '123456789012345', '1234567890123456']);
  return sign + whole + fraction + exponent;
}

/** A JSON document holding `lexeme` somewhere, among strings full of digits, dots and e's (the pre-check's false positives). */
function documentWith(rng: Rng, lexeme: string): string {
  const ws = () => rng.pick(['', '', ' ', '\n  ', '\t', '\r\n']);
  const noise = () => JSON.stringify(rng.pick(['2024-01-06T08:37:44.946797Z', 'SKU-000123', 'e123', 'E-99', 'cus_00000001', '1.5', 'Café №7', '𝄞 non-BMP', '']));
  const parts = [`${ws()}"n"${ws()}:${ws()}${lexeme}`, `"s":${noise()}`, `"a":[${ws()}${noise()},${ws()}${rng.int(0, 999)}${ws()}]`];
  const object = `{${ws()}${rng.chance(0.5) ? parts.join(',') : [...parts].reverse().join(',')}${ws()}}`;
  return rng.pick([object, `[${object}]`, `{"data":[${object},${ws()}${lexeme}]}`, lexeme]);
}

describe('isExactAsDouble and mayHoldInexactNumber (property, 30,000 random lexemes)', () => {
  const rng = new Rng(20261127);
  const lexemes = Array.from({ length: 30_000 }, () => randomLexeme(rng));

  test('the generator reaches both sides: lexemes a double keeps and lexemes it changes', () => {
    const lossy = lexemes.filter(lossyThroughDouble).length;
    expect(lossy).toBeGreaterThan(3_000);
    expect(lexemes.length - lossy).toBeGreaterThan(3_000);
  });

  test('a lexeme the rule calls exact keeps its value through JSON.parse and JSON.stringify', () => {
    const wrong = lexemes.filter((l) => isExactAsDouble(l) && lossyThroughDouble(l));
    expect(wrong).toEqual([]);
  });

  test('the pre-check is conservative: a text with a lexeme the rule does not call exact is always flagged', () => {
    const missed: string[] = [];
    for (const l of lexemes) {
      if (isExactAsDouble(l)) continue;
      const doc = documentWith(rng, l);
      // the document is JSON, and the lexeme is in it as a number
      expect(leaves(doc).some((leaf) => leaf.kind === 'number' && leaf.lexeme === l)).toBe(true);
      if (!mayHoldInexactNumber(doc)) missed.push(doc);
    }
    expect(missed).toEqual([]);
  });

  test('so a text the pre-check passes loses no number through the native parser', () => {
    for (let k = 0; k < 5_000; k++) {
      const doc = documentWith(rng, randomLexeme(rng));
      if (mayHoldInexactNumber(doc)) continue;
      for (const leaf of leaves(doc)) if (leaf.kind === 'number') expect({ doc, lossy: lossyThroughDouble(leaf.lexeme) }).toEqual({ doc, lossy: false });
    }
  });

  test('examples: what the issue lists is flagged; ordinary API pages are not', () => {
    for (const l of ['18446744073709551000', '-9223372036854775100', '9007199254740993', '1e400', '1E-400', '1234567.1234567890123450', '0.10000000000000000001']) {
      expect({ l, exact: isExactAsDouble(l), flagged: mayHoldInexactNumber(`{"v":${l}}`) }).toEqual({ l, exact: false, flagged: true });
    }
    for (const l of ['0.1', '-0', '123456789012345', '2368.61', '1e5', '1.5E-7', '0.00000000000001']) {
      expect({ l, exact: isExactAsDouble(l) }).toEqual({ l, exact: true });
    }
    const page = JSON.stringify({
      total: 2000,
      data: [{ id: 'itm_00000001', sku: 'SKU-000001', unit_price: 2368.61, updated_at: '2024-01-06T08:37:44.946797Z', name: 'Bestseller e12 🔥', tz: '+00:00' }],
    });
    expect(mayHoldInexactNumber(page)).toBe(false);
    // digits inside a string can flag a page (it then takes the exact path: slower, never wrong)
    expect(mayHoldInexactNumber('{"phone":"+1 5551234567890123"}')).toBe(true);
  });
});

describe('decimalOf, safeIntegerOf, integerShape', () => {
  test('exact values, whatever the spelling', () => {
    expect(decimalOf('1234567.1234567890123450')).toEqual({ negative: false, coefficient: 1234567123456789012345n, exponent: -15n });
    expect(decimalOf('1E+400')).toEqual({ negative: false, coefficient: 1n, exponent: 400n });
    expect(decimalOf('-0.00')).toEqual({ negative: false, coefficient: 0n, exponent: 0n });
    expect(decimalOf('-1200')).toEqual({ negative: true, coefficient: 12n, exponent: 2n });
    expect(() => decimalOf('01')).toThrow(TypeError);
  });

  test('a count is a whole number up to 2^53 - 1, read exactly; anything else is not one', () => {
    expect(safeIntegerOf(7)).toBe(7);
    expect(safeIntegerOf(new RawNumber('1e3'))).toBe(1000);
    expect(safeIntegerOf(new RawNumber('9007199254740991.000000000000000'))).toBe(9007199254740991);
    expect(safeIntegerOf(new RawNumber('9007199254740993'))).toBeUndefined();
    expect(safeIntegerOf(new RawNumber('1e400'))).toBeUndefined();
    expect(safeIntegerOf(new RawNumber('1.00000000000000000001'))).toBeUndefined();
    expect(safeIntegerOf(2.5)).toBeUndefined();
  });

  test('integer shape: written as an integer, and beyond ±2^53 or not', () => {
    expect(integerShape(new RawNumber('-9223372036854775100'))).toEqual({ integer: true, beyondDouble: true });
    expect(integerShape(new RawNumber('9007199254740992'))).toEqual({ integer: true, beyondDouble: false }); // 2^53 itself
    expect(integerShape(new RawNumber('9007199254740993'))).toEqual({ integer: true, beyondDouble: true });
    expect(integerShape(new RawNumber('1e400'))).toEqual({ integer: false, beyondDouble: false });
    expect(integerShape(42)).toEqual({ integer: true, beyondDouble: false });
    expect(integerShape(1e21)).toEqual({ integer: false, beyondDouble: false }); // written 1e+21
  });
});

describe('RawNumber', () => {
  test('never becomes a double, and is no JSON object', () => {
    const n = new RawNumber('18446744073709551000');
    expect(() => +n).toThrow(TypeError);
    expect(() => (n as unknown as number) > 1).toThrow(TypeError);
    expect(String(n)).toBe('18446744073709551000');
    expect(`${n}`).toBe('18446744073709551000');
    expect(isJsonObject(n)).toBe(false);
    expect(isJsonObject({})).toBe(true);
  });
});
