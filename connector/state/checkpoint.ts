import { afterRun, InstantLedger } from '../paging/instant-ledger';
import type { Row } from '../records/selector';
import { maxMicros, Micros } from './timestamp';

/**
 * Where a read of a stream with a cursor may resume: always a record.
 *
 * Invariants (tested against servers unlike the simulator, see
 * acceptance-tests/contract/):
 * - The cursor is the `updated_at` of a record this read emitted, or the
 *   floor it started from (the state's cursor, start_date). Never a clock
 *   reading: a record's stamp comes from the clock that stamps every later
 *   update too, so resuming at it (inclusively) misses nothing, whatever the
 *   API's `Date` or the local clock say.
 * - It is never ahead of a record not yet emitted: records arrive in
 *   (updated_at, id) order, so it is the last one emitted.
 * - It is never later than `ceiling()`, the later of the API's clock and the
 *   local one: a record stamped in the future (a bad row, 2099-01-01) is still
 *   emitted, but the cursor stays at the last record at or below the ceiling,
 *   so that row is read again next time instead of every later update being
 *   skipped for good. A clock may only ever move a checkpoint earlier.
 */
export class Checkpoint {
  /** What was emitted at the last instant at or below the ceiling: a pass that starts there again does not emit it twice. */
  private ledger: InstantLedger | undefined;
  private moves = 0;

  /**
   * @param floor where the read's state starts (state cursor or start_date); a lookback reads before it but
   *   never moves the state back
   * @param ceiling an instant no checkpoint may pass: max(API clock, local clock), asked anew for each page
   */
  constructor(
    readonly floor: Micros | undefined,
    private readonly ceiling: () => Micros,
  ) {}

  /**
   * Records just emitted, in list order. Only the last instant at or below the ceiling matters, so only the run of
   * rows at it, at the end of the page, is looked at (this runs for every page of every read).
   */
  emitted(rows: readonly Row[]): void {
    if (!rows.length) return;
    const ceiling = this.ceiling();
    let last = rows.length - 1;
    // Rows stamped in the future (after the clocks) are emitted but never a checkpoint.
    while (last >= 0 && !(rows[last].cursor !== undefined && rows[last].cursor! <= ceiling)) last--;
    if (last < 0) return;
    const { ledger, added } = afterRun(this.ledger, rows, last);
    this.ledger = ledger;
    this.moves += added;
  }

  /** The last record emitted at or below the ceiling: where the next pass of this read starts (inclusive). */
  get position(): Micros | undefined {
    return this.ledger?.cursor;
  }

  /** What was emitted at the position's instant, for a pager that starts there. */
  get atPosition(): InstantLedger | undefined {
    return this.ledger;
  }

  /** Records that moved the checkpoint so far (new ids at its instant count): unchanged across a pass means it found nothing new. */
  get progress(): number {
    return this.moves;
  }

  /** The cursor a STATE carries: the position, never before the floor. */
  get cursor(): Micros | undefined {
    return maxMicros(this.floor, this.ledger?.cursor);
  }
}
