/**
 * How many pages to keep in flight, and how to ask for them, adapted to what
 * the pager sees.
 *
 * Pages in flight only pay off while the list holds still: when a page fails
 * its overlap check, the pager restarts and every page already asked for is
 * thrown away, although the API served it (and, on a busy account, each
 * served request is followed by more updates). So a restart drops the limit
 * to one page, and each page that passes its overlap check earns one more,
 * up to the configured maximum (additive increase, multiplicative decrease,
 * as TCP does with its window).
 *
 * At one page in flight the pager asks by keyset (`keyset`): each page is a
 * new query from the last record emitted, so records updated behind it,
 * which shift every offset of an ongoing query, cannot make it fail. Such a
 * page proves nothing about how still the list is, so only every
 * KEYSET_PROBE-th one earns a page back: then an offset page with its overlap
 * check probes whether the list has calmed down. On a quiet list the limit
 * stays at the maximum; on a hot one the read proceeds a page per request.
 */
export const KEYSET_PROBE = 4;

export class InFlightLimit {
  private current: number;
  private keysetPages = 0;

  constructor(private readonly max: number) {
    if (!(Number.isInteger(max) && max >= 1)) throw new Error('the in-flight maximum must be an integer >= 1');
    this.current = max;
  }

  /** Pages that may be in flight now. */
  get value(): number {
    return this.current;
  }

  /** Ask page by page, each from the last record emitted, rather than by offset. */
  get keyset(): boolean {
    return this.current === 1;
  }

  /** The list changed under the read: the pages in flight were wasted, and more would be. */
  restarted(): void {
    this.current = 1;
    this.keysetPages = 0;
  }

  /** A page was accepted; `overlapChecked`: it passed the overlap check (it was not the first page of a query). */
  verified(overlapChecked = true): void {
    if (!overlapChecked && ++this.keysetPages % KEYSET_PROBE !== 0) return;
    if (this.current < this.max) this.current++;
  }
}
