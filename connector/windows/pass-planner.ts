import { maxMicros, Micros } from '../state/timestamp';

/** One pass of a bounded read: records with since <= updated_at < before. */
export interface Window {
  since?: Micros;
  before: Micros;
}

/**
 * Bounded reads: each stream reads the data as it stood when it started, so
 * a read ends however fast the records change.
 *
 * The API moves a record that is updated to the end of its list, with a new
 * updated_at. Without an upper bound a read of a busy list chases those
 * records forever. So the first pass reads [lower bound, now), "now" taken
 * from the API's clock: a record updated during the pass gets an updated_at
 * at or after the bound and leaves the window; the window can only shrink.
 *
 * Records updated during a pass are caught by a follow-up pass over
 * [previous bound, new now), for as long as each pass is smaller than the one
 * before, that is while reads outpace updates. When a pass is no smaller than
 * the one before, updates outpace reads: the stream stops there, complete,
 * and the next sync reads those records (its checkpoint is the bound of the
 * last pass read in full). One exception keeps quiet lists quiet: a pass that
 * fits in one page is read once even when it is not smaller (a first pass of
 * a few records is often followed by a few more updated meanwhile); it can
 * happen once per stream, so it cannot become a chase.
 *
 * An empty pass ends the read (nothing was left to catch up with when it
 * started) once its bound has passed the moment the stream started. The
 * API's Date header has whole seconds, so "now" is known only to within a
 * second or so at first: a quick read of a quiet list waits out that
 * uncertainty (`notBefore`) and reads once more, so that every record updated
 * before the stream started is read in this sync.
 */
export class PassPlanner {
  private readonly sizes: number[] = [];
  private current: Window | undefined;
  private lastBound: Micros | undefined;
  private graceUsed = false;
  private finished = false;
  /** Records of the pass that was not read because updates outpaced reads. */
  unread: number | undefined;

  /**
   * @param lower where the read starts (state or start_date)
   * @param pageSize records a page holds
   * @param startedBy an instant no earlier than the API's time when the stream started, if known
   */
  constructor(
    private readonly lower: Micros | undefined,
    private readonly pageSize: number,
    private readonly startedBy?: Micros,
  ) {}

  /** The earliest "now" worth starting the next pass at: after an empty pass that has not caught up yet. */
  get notBefore(): Micros | undefined {
    return this.finished || this.sizes.at(-1) !== 0 ? undefined : this.startedBy;
  }

  /** The next window, [previous bound, now), or undefined when the read is done. */
  next(now: Micros): Window | undefined {
    if (this.finished) return undefined;
    const since = this.lastBound ?? this.lower;
    if (since !== undefined && since >= now) {
      // Nothing can be older than the bound and newer than the start (a cursor from the future): done.
      this.finished = true;
      return undefined;
    }
    this.current = { since, before: now };
    return this.current;
  }

  /** Decides, from the `total` of a pass's first page, whether the pass is read; false ends the read. */
  admit(total: number): boolean {
    // After an empty pass that had not caught up, the next one is judged against the one before it.
    const previous = this.sizes.filter((n) => n > 0).at(-1);
    let read = previous === undefined || total === 0 || total < previous;
    if (!read && !this.graceUsed && total <= this.pageSize) {
      this.graceUsed = true;
      read = true;
    }
    if (!read) {
      this.finished = true;
      this.unread = total;
      return false;
    }
    this.sizes.push(total);
    return true;
  }

  /** The current pass was read to its end. */
  complete(): void {
    if (!this.current) throw new Error('no pass under way');
    this.lastBound = this.current.before;
    const caughtUp = this.startedBy === undefined || this.lastBound >= this.startedBy;
    if (this.sizes.at(-1) === 0 && caughtUp) this.finished = true;
    this.current = undefined;
  }

  /** Where a read that ends now resumes: the bound of the last pass read in full, never before the lower bound. */
  get checkpoint(): Micros | undefined {
    return maxMicros(this.lastBound, this.lower);
  }

  /** Pass sizes admitted so far (the first page's total of each). */
  get passSizes(): readonly number[] {
    return this.sizes;
  }
}
