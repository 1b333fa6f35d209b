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
 * Follow-ups. Records updated during a pass are caught by follow-up passes
 * over [previous bound, new now), for as long as each pass is smaller than
 * the one before, that is while reads outpace updates. When a pass is no
 * smaller, updates outpace reads: the stream stops there, complete, and the
 * next sync reads those records (its checkpoint is where the last pass read
 * in full ended). Pass sizes are noisy, though: a pause of the process, or
 * the clock tightening (which moves "now" ahead by up to its uncertainty at
 * once), swells one window. So one pass that is no smaller is forgiven, once
 * among bounded follow-ups and once among tails (a first pass of a few records
 * is often followed by a tail of a few more updated meanwhile): a second one
 * ends the read. Forgiven at most twice per stream, it cannot become a chase.
 *
 * Tails. Once a pass fits in one page, the next one is a tail: one request
 * for everything from the previous bound on, without `updated_before`, read
 * only if it fits in one page (so it cannot be chased either). A tail sees
 * the list exactly as it is when the API serves it, where a bounded pass sees
 * it up to a "now" that lags the API's by up to the clock's uncertainty; an
 * empty tail (or one that brings no record not emitted yet) therefore proves
 * that every record's current version has been read, and ends the read; an
 * empty bounded pass does not (its bound lags), so a tail follows it too. Its checkpoint is its last record's cursor
 * (inclusive, as always). A tail that does not fit in a page is put back and
 * the read goes on with bounded passes.
 *
 * Catching up with the start. The API's Date header has whole seconds, so
 * "now" may lag the API's by up to a second, and a quick first pass can end
 * before its bound reaches the moment the stream started (`startedBy`, an
 * upper bound on the API's time then, which tightens as responses arrive).
 * Records updated in between existed when the stream started and belong to
 * this sync: until a pass has reached `startedBy`, the next one is a tail,
 * read whatever the sizes; if it does not fit in a page, the read waits until
 * the clock has passed `startedBy` (`notBefore`) and reads the rest as one
 * bounded pass, whatever its size.
 */
export class PassPlanner {
  private readonly sizes: number[] = [];
  private current: (Window & { alwaysRead: boolean; total?: number }) | undefined;
  private lastBound: Micros | undefined;
  private completedPasses = 0;
  /** Whether a pass that did not shrink was forgiven already, among bounded follow-ups and among tails. */
  private readonly forgiven = { bounded: false, tail: false };
  /** The last tail did not fit in a page: the next pass is bounded (after waiting for the clock, if behind the start). */
  private tailTooBig = false;
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

  /** The earliest "now" worth starting the next pass at: after a tail too big for a page, behind the start. */
  get notBefore(): Micros | undefined {
    if (this.finished || !this.tailTooBig) return undefined;
    const since = this.lastBound ?? this.lower;
    return this.caughtUp(since) ? undefined : this.startedBy();
  }

  /**
   * The next window, or undefined when the read is done. `swollen`: the clock
   * tightened since the last bound was set, so this window also holds records
   * updated before that bound was taken, not during the read: a bounded pass
   * is then read whatever its size (the clock only tightens so far, so this
   * cannot become a chase).
   */
  next(now: Micros, swollen = false): Window | undefined {
    if (this.finished) return undefined;
    const since = this.lastBound ?? this.lower;
    const future = since !== undefined && since >= now;
    const caughtUp = this.caughtUp(since);
    if (this.tailTooBig) {
      if (future) return this.finish();
      // Behind the start, this pass reads the rest of what existed then: whatever its size.
      return this.open({ since, before: now, tail: false, alwaysRead: !caughtUp || swollen });
    }
    if (this.completedPasses === 0) {
      if (!future) return this.open({ since, before: now, tail: false, alwaysRead: true });
      // A cursor at or after now: from the future (nothing to read), or within the clock's uncertainty.
      return caughtUp || since === undefined ? this.finish() : this.open({ since, tail: true, alwaysRead: !caughtUp });
    }
    const last = this.sizes.at(-1) ?? 0;
    if (!caughtUp || last < this.pageSize || future) return this.open({ since, tail: true, alwaysRead: !caughtUp });
    return this.open({ since, before: now, tail: false, alwaysRead: swollen });
  }

  /** Decides, from the `total` of a pass's first page, whether the pass is read. */
  admit(total: number): boolean {
    const w = this.current;
    if (!w) throw new Error('no pass under way');
    if (w.tail && total >= this.pageSize) {
      this.tailTooBig = true;
      this.current = undefined;
      return false;
    }
    if (!w.alwaysRead) {
      const previous = this.sizes.at(-1);
      let read = previous === undefined || total === 0 || total < previous;
      const kind = w.tail ? 'tail' : 'bounded';
      if (!read && !this.forgiven[kind]) {
        this.forgiven[kind] = true;
        read = true;
      }
      if (!read) {
        this.finished = true;
        this.unread = total;
        return false;
      }
    }
    w.total = total;
    this.sizes.push(total);
    return true;
  }

  /**
   * The current pass was read to its end; `lastCursor` is the cursor of the
   * last record it emitted, `emitted` how many it emitted (a tail re-reads
   * the records at its inclusive lower bound; only new ones count).
   */
  complete(lastCursor?: Micros, emitted = 0): void {
    const w = this.current;
    if (!w) throw new Error('no pass under way');
    this.current = undefined;
    this.completedPasses++;
    this.tailTooBig = false;
    if (w.tail) {
      this.lastBound = maxMicros(w.since, lastCursor);
      // Nothing new at the moment the API served it: every record's current version has been read.
      if (w.total === 0 || emitted === 0) this.finished = true;
      return;
    }
    // An empty bounded pass proves nothing about what its lagging bound left out: only a tail ends a read.
    this.lastBound = w.before;
  }

  /** Where a read that ends now resumes: where the last pass read in full ended, never before the lower bound. */
  get checkpoint(): Micros | undefined {
    return maxMicros(this.lastBound, this.lower);
  }

  /** Pass sizes admitted so far (the first page's total of each pass). */
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
