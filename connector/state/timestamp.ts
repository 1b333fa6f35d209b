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

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Epoch microseconds, or undefined when `text` is not an RFC 3339 date-time. */
export function parseTimestamp(text: unknown): Micros | undefined {
  if (typeof text !== 'string') return undefined;
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const year = +y, month = +mo, day = +d, hour = +h, minute = +mi, second = +s;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (sign) {
    if (+oh > 23 || +om > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (+oh * 60 + +om);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  // Beyond microseconds the API has nothing; truncate extra digits.
  const micros = frac ? BigInt((frac + '000000').slice(0, 6)) : 0n;
  return BigInt(ms) * 1000n + micros;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
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
