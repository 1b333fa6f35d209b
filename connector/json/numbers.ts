/**
 * JSON numbers as the API wrote them.
 *
 * A JavaScript number is a double: it holds about 15.95 significant decimal
 * digits and magnitudes between about 2.2e-308 and 1.8e308. JSON has no such
 * limit, so a lexeme like 18446744073709551000, 0.10000000000000000001 or
 * 1e400 changes value when it goes through JSON.parse and JSON.stringify.
 *
 * This module says which lexemes keep their value through a double
 * (`isExactAsDouble`), which texts may hold one that does not
 * (`mayHoldInexactNumber`, the cheap pre-check that keeps pages without such
 * numbers on the native JSON.parse), and holds the others as `RawNumber`: the
 * lexeme itself, written out unchanged.
 */

/**
 * A JSON number a double cannot hold exactly, kept as the text the API sent.
 * It is never turned into a double: `valueOf` throws, so arithmetic or a
 * comparison with a number fails loudly instead of rounding.
 */
export class RawNumber {
  constructor(readonly lexeme: string) {}

  toString(): string {
    return this.lexeme;
  }

  /** For messages only (records are written by `stringifyJson`, which writes the lexeme itself). */
  toJSON(): string {
    return this.lexeme;
  }

  valueOf(): never {
    throw new TypeError(`the JSON number ${this.lexeme} has no exact double value; read its lexeme`);
  }
}

export const isRawNumber = (value: unknown): value is RawNumber => value instanceof RawNumber;

/** A JSON number as the connector holds it: a double when that is exact, the lexeme otherwise. */
export type JsonNumber = number | RawNumber;

export const isJsonNumber = (value: unknown): value is JsonNumber => typeof value === 'number' || value instanceof RawNumber;

/** A JSON object as parsed: an object that is neither an array nor a RawNumber. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RawNumber);

/** Most digits a mantissa may have for its value to survive a double (DBL_DIG). */
export const MAX_EXACT_DIGITS = 15;
/** Most digits an exponent may be written with (|exponent| ≤ 99) for the value to stay in a double's normal range. */
export const MAX_EXACT_EXPONENT_DIGITS = 2;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const E = 101;
const UPPER_E = 69;

/**
 * Whether a JSON number lexeme has the same value after JSON.parse and
 * JSON.stringify: true when its mantissa has at most 15 digits (all of them
 * counted, leading and trailing zeros included) and its exponent, if any, is
 * written with at most 2 digits.
 *
 * Why that is enough: the value is D·10^(x−f) with D an integer of at most 15
 * digits, f ≤ 15 fraction digits and |x| ≤ 99, so a nonzero value lies between
 * 1e-114 and 1e114, inside a double's normal range. A decimal of at most 15
 * significant digits in that range converts to the nearest double, and that
 * double's shortest round-trip decimal (what JSON.stringify writes) is the same
 * decimal again (15 = DBL_DIG): the value, though maybe not the spelling
 * (1.50 → 1.5, 1e5 → 100000, 1E-7 → 1e-7), is kept. `-0` becomes `0`: the
 * same value. Counting every digit is what makes leading zeros safe:
 * 0.000…0001 with 400 zeros has one significant digit but is below the range,
 * and 1 followed by 400 zeros is above it; both have more than 15 digits.
 * Everything else (16 or more digits, or a 3-digit exponent) is treated as
 * not exact, which is conservative: 1e100 would survive, but is kept as written.
 */
export function isExactAsDouble(lexeme: string): boolean {
  let digits = 0;
  let i = 0;
  const n = lexeme.length;
  for (; i < n; i++) {
    const c = lexeme.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (c === E || c === UPPER_E) break;
  }
  if (digits > MANTISSA_DIGITS) return false;
  let exponentDigits = 0;
  for (i++; i < n; i++) if (isDigit(lexeme.charCodeAt(i))) exponentDigits++;
  return exponentDigits <= EXPONENT_DIGITS;
}

// Local copies: TypeScript reads an exported const through `exports.` on every use, which a hot loop feels.
const MANTISSA_DIGITS = MAX_EXACT_DIGITS;
const EXPONENT_DIGITS = MAX_EXACT_EXPONENT_DIGITS;
const DOT = 46;
const PLUS = 43;
const MINUS = 45;

/**
 * The pre-check: false only when no number lexeme in `text` can fail
 * `isExactAsDouble`, so JSON.parse and JSON.stringify keep every value. True
 * when the text holds a run of 16 or more characters from [0-9.] (a mantissa
 * of 16 digits is one) or a run of 3 or more digits right after `e`/`E` or
 * `e±` (an exponent of 3 digits is one), wherever they are: inside strings
 * too, which only sends such a page to the exact parser (slower, never wrong).
 *
 * Cost: it looks at every third character (any run of 3 or more contains one),
 * and walks a run only where it lands on a digit or a dot: about a third of
 * what JSON.parse costs on the same page (`npm run bench:json`).
 */
export function mayHoldInexactNumber(text: string): boolean {
  const n = text.length;
  let i = 2;
  while (i < n) {
    const c = text.charCodeAt(i);
    // (c - 48) >>> 0 > 9: not a digit, in one unsigned comparison
    if ((c - 48) >>> 0 > 9 && c !== DOT) {
      i += 3;
      continue;
    }
    let start = i;
    while (start > 0) {
      const d = text.charCodeAt(start - 1);
      if ((d - 48) >>> 0 > 9 && d !== DOT) break;
      start--;
    }
    let end = i + 1;
    while (end < n) {
      const d = text.charCodeAt(end);
      if ((d - 48) >>> 0 > 9 && d !== DOT) break;
      end++;
    }
    const run = end - start;
    if (run > MANTISSA_DIGITS) return true;
    if (run > EXPONENT_DIGITS && start > 0) {
      let before = text.charCodeAt(start - 1);
      if ((before === PLUS || before === MINUS) && start > 1) before = text.charCodeAt(start - 2);
      if (before === E || before === UPPER_E) return true;
    }
    // text[end] is not part of a run: the next run of 3 starts at end + 1 at the earliest and holds end + 3.
    i = end + 3;
  }
  return false;
}

/** A JSON number's exact value: sign × coefficient × 10^exponent, the coefficient without trailing zeros (0 for zero). */
export interface Decimal {
  negative: boolean;
  coefficient: bigint;
  exponent: bigint;
}

const NUMBER_LEXEME = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** The exact value of a JSON number lexeme; throws on anything that is not one. */
export function decimalOf(lexeme: string): Decimal {
  const m = NUMBER_LEXEME.exec(lexeme);
  if (!m) throw new TypeError(`not a JSON number: ${lexeme.slice(0, 40)}`);
  const [, sign, whole, fraction = '', exp = '0'] = m;
  let digits = (whole + fraction).replace(/^0+/, '');
  let exponent = BigInt(exp) - BigInt(fraction.length);
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += BigInt(trailing);
  if (digits === '') return { negative: false, coefficient: 0n, exponent: 0n };
  return { negative: sign === '-', coefficient: BigInt(digits), exponent };
}

/** The lexeme of a JSON number as the connector writes it: a double's shortest form, or the RawNumber's text. */
export const lexemeOf = (value: JsonNumber): string => (typeof value === 'number' ? JSON.stringify(value) : value.lexeme);

/** The value as a double when it is a whole number no larger than Number.MAX_SAFE_INTEGER in magnitude, else undefined. */
export function safeIntegerOf(value: JsonNumber): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  const d = decimalOf(value.lexeme);
  if (d.exponent < 0n) return undefined;
  if (d.exponent > 16n) return undefined; // at least 10^17: far beyond 2^53
  const magnitude = d.coefficient * 10n ** d.exponent;
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(d.negative ? -magnitude : magnitude);
}

const TWO_POW_53 = 2n ** 53n;
const INTEGER_LEXEME = /^-?\d+$/;

/**
 * Whether the number is written as an integer (no fraction, no exponent) on
 * stdout, and whether that integer is beyond ±2^53, where a double stops
 * holding every integer: an identifier-like 64-bit integer.
 */
export function integerShape(value: JsonNumber): { integer: boolean; beyondDouble: boolean } {
  const text = lexemeOf(value);
  if (!INTEGER_LEXEME.test(text)) return { integer: false, beyondDouble: false };
  const magnitude = BigInt(text.startsWith('-') ? text.slice(1) : text);
  return { integer: true, beyondDouble: magnitude > TWO_POW_53 };
}
