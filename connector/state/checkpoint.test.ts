import type { Row } from '../records/selector';
import { Checkpoint } from './checkpoint';

const row = (id: string, cursor: bigint, record: Record<string, unknown> = { id }): Row => ({ id, cursor, record });
const FUTURE = BigInt(Date.UTC(2099, 0, 1)) * 1000n;
const NOW = BigInt(Date.UTC(2026, 11, 2)) * 1000n;

describe('Checkpoint: a checkpoint is a record', () => {
  test('before any record it is the floor the read started from', () => {
    expect(new Checkpoint(undefined, () => NOW).cursor).toBeUndefined();
    expect(new Checkpoint(7n, () => NOW).cursor).toBe(7n);
  });

  test('it is the last record emitted, never a clock reading', () => {
    const c = new Checkpoint(undefined, () => NOW);
    c.emitted([row('a', 10n), row('b', 20n)]);
    expect(c.cursor).toBe(20n);
    expect(c.position).toBe(20n);
  });

  test('a lookback reads records before the floor, but the state never moves back', () => {
    const c = new Checkpoint(50n, () => NOW);
    c.emitted([row('a', 30n), row('b', 40n)]);
    expect(c.position).toBe(40n); // where the next pass starts
    expect(c.cursor).toBe(50n); // what a STATE says
  });

  test('a record stamped in the future is emitted but never becomes the cursor: the clocks can only move it earlier', () => {
    const c = new Checkpoint(undefined, () => NOW);
    c.emitted([row('a', NOW - 5n), row('z', FUTURE)]);
    expect(c.cursor).toBe(NOW - 5n);
    c.emitted([row('b', NOW - 1n)]); // a record updated meanwhile, stamped before the future one
    expect(c.cursor).toBe(NOW - 1n);
  });

  test('it remembers what was emitted at its instant, for the pass that starts there again', () => {
    const c = new Checkpoint(undefined, () => NOW);
    c.emitted([row('a', 10n), row('b', 20n), row('c', 20n), row('z', FUTURE)]);
    expect(c.atPosition?.cursor).toBe(20n);
    expect(c.atPosition?.ids).toEqual(['b', 'c']);
    expect(c.atPosition?.emitted(row('c', 20n))).toBe(true);
    expect(c.atPosition?.emitted(row('c', 20n, { id: 'c', version: 2 }))).toBe(false); // a later version in the same second
  });

  test('progress counts records that moved it; the same ids again at the same instant do not', () => {
    const c = new Checkpoint(undefined, () => NOW);
    c.emitted([row('a', 10n), row('b', 10n)]);
    const before = c.progress;
    c.emitted([row('a', 10n), row('z', FUTURE)]);
    expect(c.progress).toBe(before);
    c.emitted([row('c', 11n)]);
    expect(c.progress).toBe(before + 1);
  });
});
