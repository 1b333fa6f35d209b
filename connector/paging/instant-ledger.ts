import { stringifyJson } from '../json/exact-json';
import type { Row } from '../records/selector';
import type { Micros } from '../state/timestamp';

/** Versions kept per instant; past it, an id met again is emitted again (a duplicate, never a loss). */
export const MAX_KEPT_VERSIONS = 10_000;

/**
 * The records emitted at one instant, with the version emitted of each.
 *
 * Reads meet such records again: the overlap row of every page, the records
 * at the instant a restart or the next pass starts from (inclusive). A record
 * met again is skipped only if it is the version already emitted: with stamps
 * of whole seconds a record updated twice within a second keeps its
 * updated_at and its place in the (updated_at, id) order, so only its content
 * tells the later version apart, and skipping it by id would lose it for good
 * once the read moves past that second. Versions are compared only when a
 * record is met again (rare), and kept for the first MAX_KEPT_VERSIONS ids of
 * an instant, so a bulk import of a million records sharing one instant
 * costs ids, not records, in memory.
 */
export class InstantLedger {
  private readonly versions = new Map<string, Record<string, unknown> | undefined>();

  constructor(readonly cursor: Micros) {}

  /** A ledger of the rows at `cursor` among `rows`. */
  static of(cursor: Micros, rows: readonly Row[]): InstantLedger {
    const ledger = new InstantLedger(cursor);
    for (const r of rows) if (r.cursor === cursor) ledger.add(r);
    return ledger;
  }

  /** A ledger of its own, to add to without changing this one. */
  copy(): InstantLedger {
    const ledger = new InstantLedger(this.cursor);
    for (const [id, record] of this.versions) ledger.versions.set(id, record);
    return ledger;
  }

  add(row: Row): void {
    this.versions.set(row.id, this.versions.size < MAX_KEPT_VERSIONS ? row.record : undefined);
  }

  /** Whether this row, at this ledger's instant, is a version already emitted. */
  emitted(row: Row): boolean {
    if (row.cursor !== this.cursor || !this.versions.has(row.id)) return false;
    const kept = this.versions.get(row.id);
    return kept !== undefined && sameVersion(kept, row.record);
  }

  /** Whether an id was emitted at this instant, whatever its version. */
  has(id: string): boolean {
    return this.versions.has(id);
  }

  get size(): number {
    return this.versions.size;
  }

  get ids(): string[] {
    return [...this.versions.keys()];
  }
}

/**
 * The ledger of the last instant once `rows[0..last]` (in list order) are emitted. Only the run of rows at
 * `rows[last]`'s instant, which ends at `last`, is looked at (this runs for every page of every read): it is added to
 * `ledger` when that is the instant's ledger already, or to a new ledger when the instant is later; an earlier
 * instant leaves `ledger` as it is. `added`: the ids of the run the ledger did not hold yet.
 */
export function afterRun(ledger: InstantLedger | undefined, rows: readonly Row[], last: number): { ledger: InstantLedger; added: number } {
  const at = rows[last].cursor!;
  if (ledger !== undefined && at < ledger.cursor) return { ledger, added: 0 };
  let first = last;
  while (first > 0 && rows[first - 1].cursor === at) first--;
  const next = ledger === undefined || at > ledger.cursor ? new InstantLedger(at) : ledger;
  let added = 0;
  for (let i = first; i <= last; i++) {
    if (!next.has(rows[i].id)) added++;
    next.add(rows[i]);
  }
  return { ledger: next, added };
}

/** Two versions of a record are the same when they serialise the same, numbers as the API wrote them. */
export function sameVersion(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return a === b || stringifyJson(a) === stringifyJson(b);
}
