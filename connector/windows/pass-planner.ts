import type { Page } from '../records/selector';
import { Micros, minMicros } from '../state/timestamp';

/**
 * The policy of a read of a stream with a cursor: what each pass reads, and
 * when the read stops. It decides from the data alone: no clock takes part.
 *
 * Every pass opens with one request for the first page of the rest of the
 * list, `updated_since` = where the last pass ended (end_date as the only
 * upper bound). That response decides the pass:
 *
 * - `snapshot`: it holds the whole rest (`total` <= its rows). One response
 *   is a consistent view of the list: once it is emitted, every record that
 *   existed when the read started has been emitted, at that version or a
 *   later one. The read is complete.
 * - `follow`: the rest is short (a few pages). It is read to its end without
 *   a bound, following the records updated meanwhile to the end of the list,
 *   which the contract moves them to; the pager's overlap checks see every
 *   shift. A pass read to the end of the list is complete the same way.
 * - `bounded`: the rest is long. The pass reads the data as it stood when it
 *   started: its upper bound is the list's newest record then (one request at
 *   offset total − 1) plus one microsecond, the finest precision the contract
 *   allows. Records updated during the pass land after the bound, so the pass
 *   cannot chase them; the next pass, from the last record emitted
 *   (inclusive), reads them.
 *
 * When reads outpace updates the passes shrink until one is short or fits in
 * a page. When updates outpace reads they do not, so the read is bounded by
 * the data: it stops before the records it emits would exceed `budgetFactor`
 * times what the stream held when the read started (at least a page's
 * worth). Incremental reads then end with a WARN and a checkpoint that loses
 * nothing; a full refresh ends incomplete (see windows/window-reader.ts).
 * A bounded pass that emits nothing new (its window held only records
 * emitted already, at the instant it started from) is followed by a
 * `follow` pass whatever the size of the rest, so every pass either spends
 * budget or ends the read.
 */
export type PassKind = 'snapshot' | 'follow' | 'bounded';

export interface PlannerOptions {
  /** Records a page is asked to hold. */
  pageSize: number;
  /** end_date: records updated at or after it are never read. */
  end?: Micros;
  /** The read stops before the rows answered exceed this many times the stream's size at its start. */
  budgetFactor?: number;
  /** A rest of at most this many pages is followed to the end of the list without a bound. */
  followPages?: number;
}

export const DEFAULT_BUDGET_FACTOR = 3;
export const DEFAULT_FOLLOW_PAGES = 3;

export class PassPlanner {
  private held: number | undefined;
  private records = 0;
  private readonly factor: number;
  private readonly followPages: number;

  constructor(private readonly opts: PlannerOptions) {
    this.factor = opts.budgetFactor ?? DEFAULT_BUDGET_FACTOR;
    this.followPages = opts.followPages ?? DEFAULT_FOLLOW_PAGES;
  }

  /** The upper bound of every pass's opening request, and of a followed pass: end_date, if any. */
  get end(): Micros | undefined {
    return this.opts.end;
  }

  /**
   * What the pass opened by `opening` (the first page of the rest, at offset
   * 0) reads. `pageSize` is what the server serves per page (it may cap pages
   * below the limit asked for); `stalled`: the pass before emitted nothing new.
   */
  plan(opening: Page, pageSize: number, stalled = false): PassKind {
    const total = opening.total ?? 0;
    this.held ??= total;
    if (total <= opening.rows.length) return 'snapshot';
    return stalled || total <= this.followPages * pageSize ? 'follow' : 'bounded';
  }

  /** A bounded pass's exclusive upper bound, from the newest record when it started: its instant plus 1 µs, never past end_date. */
  bound(newest: Micros): Micros {
    return minMicros(newest + 1n, this.opts.end)!;
  }

  /** Whether `n` more records may be emitted; counts them if so. False: updates outpace reads, the read stops. */
  emit(n: number): boolean {
    if (this.records + n > this.budget) return false;
    this.records += n;
    return true;
  }

  /** The records the read may emit: budgetFactor × the stream's size at its start, at least one page's worth. */
  get budget(): number {
    return this.factor * Math.max(this.held ?? 0, this.opts.pageSize);
  }

  /** Records the stream held when the read started (the first opening's total). */
  get heldAtStart(): number {
    return this.held ?? 0;
  }

  /** Records emitted so far. */
  get emitted(): number {
    return this.records;
  }
}
