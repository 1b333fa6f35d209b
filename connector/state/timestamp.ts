/**
 * Cursor values as instants with microsecond precision.
 *
 * The API's timestamps are RFC 3339 with 0 to 6 fraction digits, so two
 * strings for the same instant can differ and string order is not time order
 * ('…:00Z' sorts after '…:00.5Z'). Every cursor comparison therefore goes
 * through `parseTimestamp`, which yields epoch microseconds as a bigint
 * (a double cannot hold microseconds past 2255), and state is written in one
 * canonical form: UTC, six fraction digits, 'Z'.
 */
export type Micros = bigint;

/**
 * Epoch microseconds, or undefined when `text` is not an RFC 3339 date-time:
 * `YYYY-MM-DD(T|t| )HH:MM:SS(.f{1,9})?(Z|z|±HH:MM)`, digits beyond the sixth
 * fraction digit truncated (the API has nothing finer). It runs for the cursor
 * of every record read, so it reads character codes rather than running a
 * regular expression, and makes one bigint per call.
 */
export function parseTimestamp(text: unknown): Micros | undefined {
  if (typeof text !== 'string' || text.length < 20) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if ((year | month | day | hour | minute | second) < 0) return undefined;
  const sep = text.charCodeAt(10);
  if (text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return undefined;
  if (sep !== T_UPPER && sep !== T_LOWER && sep !== SPACE) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let i = 19;
  let micros = 0;
  if (text.charCodeAt(i) === DOT) {
    const start = ++i;
    while (i < text.length && isDigit(text.charCodeAt(i))) {
      if (i - start < 6) micros = micros * 10 + (text.charCodeAt(i) - ZERO);
      i++;
    }
    const n = i - start;
    if (n < 1 || n > 9) return undefined;
    for (let k = n; k < 6; k++) micros *= 10;
  }
  let offsetMinutes = 0;
  const zone = text.charCodeAt(i);
  if (zone === Z_UPPER || zone === Z_LOWER) {
    if (i + 1 !== text.length) return undefined;
  } else if (zone === PLUS || zone === MINUS) {
    const oh = digits(text, i + 1, 2);
    const om = digits(text, i + 4, 2);
    if (oh < 0 || om < 0 || text.charCodeAt(i + 3) !== COLON || i + 6 !== text.length || oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone === MINUS ? -1 : 1) * (oh * 60 + om);
  } else return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  const us = ms * 1000 + micros;
  // Exact as a double up to 2^53 µs (the year 2255); beyond, bigint arithmetic.
  return Number.isSafeInteger(us) ? BigInt(us) : BigInt(ms) * 1000n + BigInt(micros);
}

const ZERO = 48, DASH = 45, COLON = 58, DOT = 46, SPACE = 32, PLUS = 43, MINUS = 45;
const T_UPPER = 84, T_LOWER = 116, Z_UPPER = 90, Z_LOWER = 122;
const isDigit = (c: number): boolean => c >= ZERO && c <= ZERO + 9;

/** The number written with `n` digits at `at`, or -1. */
function digits(text: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - ZERO);
  }
  return v;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Without a Date object: this runs for the cursor of every record read. */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1];
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Canonical form: 2024-05-01T10:00:00.500000Z. */
export function formatTimestamp(us: Micros): string {
  const ms = us / 1000n;
  let rem = us % 1000n;
  let msNum = Number(ms);
  if (rem < 0n) {
    rem += 1000n;
    msNum -= 1;
  }
  const iso = new Date(msNum).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 23)}${rem.toString().padStart(3, '0')}Z`;
}

export const maxMicros = (a: Micros | undefined, b: Micros | undefined): Micros | undefined =>
  a === undefined ? b : b === undefined ? a : a > b ? a : b;

export const minMicros = (a: Micros | undefined, b: Micros | undefined): Micros | undefined =>
  a === undefined ? b : b === undefined ? a : a < b ? a : b;
