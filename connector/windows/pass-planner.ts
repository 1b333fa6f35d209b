import { maxMicros, Micros } from '../state/timestamp';

/** One pass of a bounded read: records with since <= updated_at < before; no `before` for the tail. */
export interface Window {
  since?: Micros;
  before?: Micros;
  /** The catch-up tail (see PassPlanner): unbounded, read only when it fits in one page. */
  tail: boolean;
}

/**
 * Bounded reads: each stream reads the data as it stood when it started, so
 * a read ends however fast the records change.
 *
 * The API moves a record that is updated to the end of its list, with a new
 * updated_at. Without an upper bound a read of a busy list chases those
 * records forever. So the first pass reads [lower bound, now), "now" taken
 * from the API's clock (never ahead of it): a record updated during the pass
 * gets an updated_at at or after the bound and leaves the window; the window
 * can only shrink.
 *
 * Catching up with the start. The API's Date header has whole seconds, so
 * the clock's "now" may lag the API's by up to a second, and the first pass
 * can end before its bound reaches the moment the stream started
 * (`startedBy`, an upper bound on the API's time then, which tightens as
 * responses arrive). Records updated in between existed when the stream
 * started and belong to this sync. So a pass that ends behind `startedBy` is
 * followed by a tail: one request for everything from its bound on, without
 * `updated_before`, read only if it fits in one page (then nothing can be
 * chased, and the checkpoint is the last record's cursor); that ends the read.
 * If the tail holds more, the read waits until the clock has passed
 * `startedBy` (`notBefore`) and reads the rest as a bounded pass.
 *
 * Follow-ups. Records updated during the read are caught by follow-up passes
 * over [previous bound, new now), for as long as each pass is smaller than
 * the one before, that is while reads outpace updates. When a pass is no
 * smaller, updates outpace reads: the stream stops there, complete, and the
 * next sync reads those records (its checkpoint is the bound of the last pass
 * read in full). A pass that fits in one page is read once even when it is
 * not smaller (a first pass of a few records is often followed by a few more
 * updated meanwhile); that can happen once per stream, so it cannot become a
 * chase. An empty follow-up ends the read.
 */
export class PassPlanner {
  private readonly sizes: number[] = [];
  private current: (Window & { alwaysRead: boolean }) | undefined;
  private lastBound: Micros | undefined;
  private completedPasses = 0;
  private graceUsed = false;
  private tailTried = false;
  private waitForStart = false;
  private finished = false;
  /** Records of the pass that was not read because updates outpaced reads. */
  unread: number | undefined;

  /**
   * @param lower where the read starts (state or start_date)
   * @param pageSize records a page holds
   * @param startedBy an instant no earlier than the API's time when the stream started, if known (asked anew each time: it tightens)
   */
  constructor(
    private readonly lower: Micros | undefined,
    private readonly pageSize: number,
    private readonly startedBy: () => Micros | undefined = () => undefined,
  ) {}

  /** The earliest "now" worth starting the next pass at (after a tail too big to read). */
  get notBefore(): Micros | undefined {
    return this.waitForStart && !this.finished ? this.startedBy() : undefined;
  }

  /** The next window, or undefined when the read is done. */
  next(now: Micros): Window | undefined {
    if (this.finished) return undefined;
    const since = this.lastBound ?? this.lower;
    const future = since !== undefined && since >= now;
    if (this.waitForStart) {
      // The tail was too big: read up to a now that has passed the start, whatever the pass sizes.
      if (future) return this.finish();
      return this.open({ since, before: now, tail: false, alwaysRead: true });
    }
    if (this.completedPasses === 0 && !future) return this.open({ since, before: now, tail: false, alwaysRead: true });
    if (!this.caughtUp(since)) {
      if (this.tailTried || since === undefined) return this.finish();
      this.tailTried = true;
      return this.open({ since, tail: true, alwaysRead: false });
    }
    if (future || this.sizes.at(-1) === 0) return this.finish();
    return this.open({ since, before: now, tail: false, alwaysRead: false });
  }

  /** Decides, from the `total` of a pass's first page, whether the pass is read. */
  admit(total: number): boolean {
    const w = this.current;
    if (!w) throw new Error('no pass under way');
    if (w.tail) {
      if (total < this.pageSize) return true;
      this.waitForStart = true;
      this.current = undefined;
      return false;
    }
    if (!w.alwaysRead) {
      const previous = this.sizes.at(-1);
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
    }
    this.sizes.push(total);
    return true;
  }

  /** The current pass was read to its end; `lastCursor` is the cursor of the last record it emitted. */
  complete(lastCursor?: Micros): void {
    const w = this.current;
    if (!w) throw new Error('no pass under way');
    this.current = undefined;
    this.completedPasses++;
    if (w.tail) {
      this.lastBound = maxMicros(w.since, lastCursor);
      this.finished = true;
      return;
    }
    this.lastBound = w.before;
    this.waitForStart = false;
  }

  /** Where a read that ends now resumes: the bound of the last pass read in full, never before the lower bound. */
  get checkpoint(): Micros | undefined {
    return maxMicros(this.lastBound, this.lower);
  }

  /** Pass sizes admitted so far (the first page's total of each bounded pass). */
  get passSizes(): readonly number[] {
    return this.sizes;
  }

  private open(w: Window & { alwaysRead: boolean }): Window {
    this.current = w;
    return { since: w.since, before: w.before, tail: w.tail };
  }

  private finish(): undefined {
    this.finished = true;
    return undefined;
  }

  private caughtUp(bound: Micros | undefined): boolean {
    const start = this.startedBy();
    return start === undefined || (bound !== undefined && bound >= start);
  }
}
