/**
 * The writer's timestamps: BigInt microseconds since the epoch, truncated to
 * the precision the server stamps with, and written the way the server
 * writes them. Written independently of the connector's and the simulator's
 * timestamp code, so a bug shared by those two cannot hide here.
 */
export type Micros = bigint;

const US_PER_S = 1_000_000n;

/** Truncates `us` to `digits` fraction digits (0 = whole seconds). */
export function truncate(us: Micros, digits: number): Micros {
  const unit = 10n ** BigInt(6 - digits);
  return us - (((us % unit) + unit) % unit);
}

export const fromMs = (ms: number): Micros => BigInt(Math.floor(ms)) * 1000n;

/**
 * RFC 3339 in UTC with a Z: `fixed` writes exactly `digits` fraction digits
 * (none for 0), `minimal` drops trailing zeros (0 to 6 digits, e.g. "…:07Z",
 * "…:07.5Z", "…:07.123456Z").
 */
export function render(us: Micros, digits: number, style: 'fixed' | 'minimal'): string {
  const seconds = us / US_PER_S - (us % US_PER_S < 0n ? 1n : 0n);
  const frac = us - seconds * US_PER_S;
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  let fraction = frac.toString().padStart(6, '0').slice(0, digits);
  if (style === 'minimal') fraction = fraction.replace(/0+$/, '');
  return `${base}${fraction ? `.${fraction}` : ''}Z`;
}

const TEXT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/;

/** Parses what a client sends in updated_since/updated_before (UTC with Z; extra digits beyond µs are rounded up). */
export function parse(text: string): Micros | undefined {
  const m = TEXT.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(ms)) return undefined;
  const digits = m[2] ?? '';
  let us = BigInt(ms) * 1000n + BigInt((digits + '000000').slice(0, 6));
  if (digits.length > 6 && /[1-9]/.test(digits.slice(6))) us += 1n;
  return us;
}
