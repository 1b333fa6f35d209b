import { parseJson } from '../json/exact-json';
import { InstantLedger, MAX_KEPT_VERSIONS, sameVersion } from './instant-ledger';

const row = (id: string, cursor: bigint, record: Record<string, unknown> = { id }) => ({ id, cursor, record });

describe('InstantLedger: records met again are skipped only at the version emitted', () => {
  test('the same record at the same instant is emitted already; a later version in the same place is not', () => {
    const l = InstantLedger.of(5n, [row('a', 5n, { id: 'a', v: 1 }), row('b', 5n)]);
    expect(l.emitted(row('a', 5n, { id: 'a', v: 1 }))).toBe(true);
    expect(l.emitted(row('a', 5n, { id: 'a', v: 2 }))).toBe(false);
    expect(l.emitted(row('a', 6n, { id: 'a', v: 1 }))).toBe(false); // another instant: not this ledger's
    expect(l.emitted(row('c', 5n))).toBe(false);
  });

  test('versions are compared with numbers as the API wrote them', () => {
    const parsed = (text: string) => parseJson(text) as Record<string, unknown>;
    expect(sameVersion(parsed('{"x":18446744073709551000}'), parsed('{"x":18446744073709551000}'))).toBe(true);
    expect(sameVersion(parsed('{"x":18446744073709551000}'), parsed('{"x":"18446744073709551000"}'))).toBe(false);
    expect(sameVersion(parsed('{"x":18446744073709551000}'), parsed('{"x":18446744073709551001}'))).toBe(false);
  });

  test('past MAX_KEPT_VERSIONS ids of one instant, only ids are kept: those met again are emitted again (a duplicate, never a loss)', () => {
    const l = new InstantLedger(1n);
    for (let i = 0; i <= MAX_KEPT_VERSIONS; i++) l.add(row(`r${i}`, 1n));
    expect(l.size).toBe(MAX_KEPT_VERSIONS + 1);
    expect(l.emitted(row('r0', 1n))).toBe(true);
    expect(l.emitted(row(`r${MAX_KEPT_VERSIONS}`, 1n))).toBe(false);
    expect(l.has(`r${MAX_KEPT_VERSIONS}`)).toBe(true);
  });

  test('a copy is its own: adding to it leaves the original as it was', () => {
    const l = InstantLedger.of(1n, [row('a', 1n)]);
    const c = l.copy();
    c.add(row('b', 1n));
    expect(l.ids).toEqual(['a']);
    expect(c.ids).toEqual(['a', 'b']);
  });
});
