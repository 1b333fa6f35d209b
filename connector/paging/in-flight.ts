/**
 * How many pages to keep in flight, adapted to what the pager sees.
 *
 * Pages in flight only pay off while the list holds still: when a page fails
 * its overlap check, the pager restarts and every page already asked for is
 * thrown away, although the API served it (and, on a busy account, each
 * served request is followed by more updates). So a restart drops the limit
 * to one page, and each page that verifies earns one more, up to the
 * configured maximum (additive increase, multiplicative decrease, as TCP
 * does with its window). On a quiet list the limit stays at the maximum; on a
 * hot one the read proceeds one page at a time, never slower than that.
 */
export class InFlightLimit {
  private current: number;

  constructor(private readonly max: number) {
    if (!(Number.isInteger(max) && max >= 1)) throw new Error('the in-flight maximum must be an integer >= 1');
    this.current = max;
  }

  /** Pages that may be in flight now. */
  get value(): number {
    return this.current;
  }

  /** The list changed under the read: the pages in flight were wasted, and more would be. */
  restarted(): void {
    this.current = 1;
  }

  /** A page was accepted: the list held still long enough to read one more page ahead. */
  verified(): void {
    if (this.current < this.max) this.current++;
  }
}
