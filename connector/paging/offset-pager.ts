import { systemError, transientError } from '../protocol/errors';
import type { Page, Row } from '../records/selector';
import type { Micros } from '../state/timestamp';

/**
 * Offset paging that loses no record while the data changes underneath.
 *
 * The API orders a list by (updated_at, id) and moves a record that is
 * updated during paging to the end, so every record behind it shifts one
 * offset down. A plain `offset += limit` loop then skips one record per move.
 *
 * This pager never trusts an offset blindly:
 *
 * 1. Overlapping pages. Page k+1 starts at the last index of page k
 *    (offsets 0, 99, 198, … for a limit of 100). Its first record must be the
 *    last record of page k. If it is, nothing behind that record moved below
 *    the page, whatever happened elsewhere, and the check holds even when
 *    pages are fetched in parallel and served out of order.
 * 2. Keyset restart. If the check fails (or a page is unexpectedly empty),
 *    the pages after it are discarded and a new query starts at the last
 *    record emitted, P: `updated_since = P.updated_at` (inclusive). Records
 *    at P's instant that were already emitted are recognised by id (the ids
 *    of the current instant are kept, only those) and dropped. The restart
 *    first tries the offset where P should be; if the record there is not one
 *    already emitted, it starts at offset 0 of the new query.
 * 3. Streams without a cursor (ordered by id only) restart by looking for P
 *    in the page one step earlier, and further back, down to offset 0.
 *
 * Records are only ever emitted once per query; a restart can re-read but
 * never re-emits, and no record after P can be skipped. The pager is pure
 * bookkeeping: the caller fetches the requests it hands out (several at once
 * if it likes) and hands the pages back in request order.
 */
export interface PageRequest {
  /** Which query the request belongs to; pages of an abandoned query are stale. */
  query: number;
  offset: number;
  limit: number;
  /** Inclusive lower bound on the cursor, if any. */
  since?: Micros;
  /** Exclusive upper bound on the cursor: the window the pager reads (see windows/). */
  before?: Micros;
}

export type Verdict =
  | { kind: 'rows'; rows: Row[]; done: boolean }
  | { kind: 'stale' }
  /** `startOver`: the query starts again from the first record (a checkpoint's record was gone), duplicating what was emitted. */
  | { kind: 'restart'; reason: string; startOver?: boolean };

export interface PagerOptions {
  limit: number;
  /** True when records carry a cursor the API can filter on (updated_since). */
  hasCursor: boolean;
  /** Initial lower bound (state or start_date). */
  since?: Micros;
  /** Exclusive upper bound, fixed for the pager's life: records updated during the read leave the window. */
  before?: Micros;
  /**
   * Lists without a cursor: go on after this record, last seen at this offset
   * (a checkpoint of an unfinished full refresh). It is looked for at that
   * offset and behind it; if it is gone, the list is read from the start.
   */
  resumeAfter?: { id: string; offset: number };
  /**
   * Lists with a cursor: records a previous pager already emitted at the
   * newest instant it reached (see `lastInstant`), so that a query starting
   * at that instant (inclusive) does not emit them again.
   */
  alreadyEmitted?: { cursor: Micros; ids: readonly string[] };
  /** Restarts allowed without any new record in between. */
  maxIdleRestarts?: number;
}

type FirstPageRule = 'none' | 'starts-with-emitted' | 'contains-anchor';

/** Pages looked at behind a checkpoint's offset before reading a list without a cursor from the start. */
const MAX_RESUME_LOOKBACKS = 2;

export class OffsetPager {
  private query = 0;
  private since: Micros | undefined;
  private firstOffset = 0;
  private firstRule: FirstPageRule = 'none';
  private issued = false;
  private nextOffset = 0;
  private expectedOffset = 0;
  /** Offset that must be fetched because the page before it was full. */
  private requiredOffset: number | undefined;
  private knownTotal: number | undefined;
  /** Last row of the last accepted page of this query. */
  private anchor: Row | undefined;
  /** Last row emitted, and the ids emitted at its cursor instant. */
  private last: Row | undefined;
  private readonly emittedAtLastCursor = new Set<string>();
  /** Offset at which `last` was seen. */
  private lastOffset: number | undefined;
  /** Still looking for `resumeAfter`: if it cannot be found, start over instead of failing. */
  private resuming = false;
  private resumeLookbacks = 0;
  private idleRestarts = 0;
  private finished = false;
  private readonly step: number;
  restarts = 0;

  constructor(private readonly opts: PagerOptions) {
    if (opts.limit < 2) throw new Error('the overlapping pager needs a page size of at least 2');
    this.step = opts.limit - 1;
    this.since = opts.since;
    const done = opts.alreadyEmitted;
    if (done && opts.hasCursor && done.ids.length > 0) {
      this.last = { id: done.ids[done.ids.length - 1], cursor: done.cursor, record: {} };
      for (const id of done.ids) this.emittedAtLastCursor.add(id);
      this.firstRule = 'starts-with-emitted';
    }
    const resume = opts.resumeAfter;
    if (resume && !opts.hasCursor) {
      this.last = { id: resume.id, record: {} };
      this.lastOffset = resume.offset;
      this.firstOffset = resume.offset;
      this.expectedOffset = resume.offset;
      this.firstRule = 'contains-anchor';
      this.resuming = true;
    }
  }

  get done(): boolean {
    return this.finished;
  }

  /** The last record emitted (its cursor is the checkpoint). */
  get position(): Row | undefined {
    return this.last;
  }

  /** The newest instant emitted and the ids emitted at it: what the next pass's pager must not emit again. */
  get lastInstant(): { cursor: Micros; ids: string[] } | undefined {
    const cursor = this.last?.cursor;
    return cursor === undefined ? undefined : { cursor, ids: [...this.emittedAtLastCursor] };
  }

  /** The offset at which the last record emitted was seen (the checkpoint of a list without a cursor). */
  get positionOffset(): number | undefined {
    return this.lastOffset;
  }

  /**
   * The next request worth sending now, or undefined. The first page of a
   * query always is; later pages once they are known to be needed (the page
   * before was full) or known to exist (below the last `total`).
   */
  next(): PageRequest | undefined {
    if (this.finished) return undefined;
    if (!this.issued) {
      this.issued = true;
      this.nextOffset = this.firstOffset + this.step;
      return this.request(this.firstOffset);
    }
    const o = this.nextOffset;
    const needed = this.requiredOffset !== undefined && o <= this.requiredOffset;
    const exists = this.knownTotal !== undefined && o < this.knownTotal;
    if (!needed && !exists) return undefined;
    this.nextOffset = o + this.step;
    return this.request(o);
  }

  /** Takes the page for `req`; pages must come back in the order they were handed out. */
  accept(req: PageRequest, page: Page): Verdict {
    if (this.finished || req.query !== this.query) return { kind: 'stale' };
    if (req.offset !== this.expectedOffset) throw new Error(`pages out of order: got ${req.offset}, expected ${this.expectedOffset}`);
    const rows = page.rows;
    if (page.total !== undefined) this.knownTotal = page.total;

    let skip: number;
    if (req.offset === this.firstOffset && this.anchor === undefined) {
      const verdict = this.checkFirstPage(rows);
      if (typeof verdict === 'string') return this.restart(verdict, req.offset);
      skip = verdict;
    } else {
      const found = this.findAnchor(rows);
      if (found < 0) {
        return this.restart(
          rows.length === 0
            ? `page at offset ${req.offset} came back empty although the page before it was full`
            : `the record at offset ${req.offset} is no longer the one that ended the previous page`,
          req.offset,
        );
      }
      skip = found + 1;
    }

    const fresh = rows.slice(skip);
    this.checkOrder(fresh, req);
    for (const row of fresh) this.remember(row);
    if (fresh.length) {
      this.idleRestarts = 0;
      this.lastOffset = req.offset + rows.length - 1;
    }
    this.resuming = false;
    if (rows.length) this.anchor = rows[rows.length - 1];
    this.expectedOffset = req.offset + this.step;
    if (rows.length < this.opts.limit) this.finished = true;
    else this.requiredOffset = this.expectedOffset;
    return { kind: 'rows', rows: fresh, done: this.finished };
  }

  /**
   * Index of the previous page's last record in this page, or -1. With a
   * cursor it must be the first record: nothing can be inserted before it,
   * only moved away. Lists ordered by id alone can also gain records before
   * it (new ids), which shift it up within the page.
   */
  private findAnchor(rows: Row[]): number {
    const a = this.anchor;
    if (!a || rows.length === 0) return -1;
    if (this.opts.hasCursor) return sameRow(rows[0], a) ? 0 : -1;
    return rows.findIndex((r) => r.id === a.id);
  }

  private request(offset: number): PageRequest {
    return { query: this.query, offset, limit: this.opts.limit, since: this.since, before: this.opts.before };
  }

  /** How many leading rows of a query's first page were already emitted, or why the page cannot be trusted. */
  private checkFirstPage(rows: Row[]): number | string {
    switch (this.firstRule) {
      case 'none':
        return 0;
      case 'starts-with-emitted': {
        let n = 0;
        while (n < rows.length && this.wasEmitted(rows[n])) n++;
        if (this.firstOffset > 0 && n === 0) return `the record at offset ${this.firstOffset} of the resumed query was not read before`;
        return n;
      }
      case 'contains-anchor': {
        const i = this.last ? rows.findIndex((r) => r.id === this.last!.id) : -1;
        if (i < 0) return `record ${JSON.stringify(this.last?.id)} is not where it was`;
        return i + 1;
      }
    }
  }

  private wasEmitted(row: Row): boolean {
    const last = this.last;
    if (!last || row.cursor === undefined || last.cursor === undefined) return false;
    return row.cursor < last.cursor || (row.cursor === last.cursor && this.emittedAtLastCursor.has(row.id));
  }

  private remember(row: Row): void {
    if (row.cursor !== undefined && this.last?.cursor !== row.cursor) this.emittedAtLastCursor.clear();
    if (row.cursor !== undefined) this.emittedAtLastCursor.add(row.id);
    this.last = row;
  }

  /** The API promises ascending cursors; a checkpoint past unread data would lose it, so disorder stops the stream. */
  private checkOrder(rows: Row[], req: PageRequest): void {
    if (!this.opts.hasCursor) return;
    let prev = this.last?.cursor;
    for (const r of rows) {
      if (prev !== undefined && r.cursor! < prev) {
        throw systemError(
          `The API returned records out of updated_at order (record ${JSON.stringify(r.id)} at offset ${req.offset}); ` +
            `checkpointing past unread records could lose data, so the stream stops here.`,
        );
      }
      prev = r.cursor;
    }
  }

  private restart(reason: string, failedOffset: number): Verdict {
    this.restarts++;
    if (++this.idleRestarts > (this.opts.maxIdleRestarts ?? 50)) {
      throw transientError(
        `The data changed so fast while paging that no progress was made after ${this.idleRestarts - 1} restarts (${reason}). Retry the sync later.`,
      );
    }
    const previousRule = this.firstRule;
    const previousFirst = this.firstOffset;
    const firstPageFailed = failedOffset === this.firstOffset && this.anchor === undefined;
    this.query++;
    this.issued = false;
    this.anchor = undefined;
    this.requiredOffset = undefined;
    this.knownTotal = undefined;

    if (this.opts.hasCursor) {
      this.since = this.last?.cursor ?? this.since;
      this.firstRule = this.last ? 'starts-with-emitted' : 'none';
      // Where the last emitted record should be in the new query, unless that guess just failed.
      const guess = Math.max(0, this.emittedAtLastCursor.size - 1);
      this.firstOffset = firstPageFailed && previousRule === 'starts-with-emitted' ? 0 : guess;
    } else {
      if (firstPageFailed && previousRule === 'contains-anchor') {
        // A checkpoint's record has moved at most a page or two, if it is still there at all.
        if (this.resuming && (previousFirst === 0 || ++this.resumeLookbacks > MAX_RESUME_LOOKBACKS)) {
          // The record of the checkpoint is gone: read everything again rather than skip what followed it.
          this.resuming = false;
          this.last = undefined;
          this.lastOffset = undefined;
          this.firstOffset = 0;
          this.firstRule = 'none';
          this.expectedOffset = 0;
          return { kind: 'restart', reason: `${reason}; the record of the checkpoint is gone, so the list is read from the start`, startOver: true };
        }
        if (previousFirst === 0) {
          throw transientError(
            `Records were removed or reordered while paging, and the last record read (${JSON.stringify(this.last?.id)}) ` +
              `can no longer be found; continuing could skip records. Retry the sync.`,
          );
        }
        this.firstOffset = Math.max(0, previousFirst - this.step);
      } else {
        this.firstOffset = Math.max(0, failedOffset - this.step);
      }
      this.firstRule = this.last ? 'contains-anchor' : 'none';
      if (!this.last) this.firstOffset = 0;
    }
    this.expectedOffset = this.firstOffset;
    return { kind: 'restart', reason };
  }
}

function sameRow(a: Row, b: Row): boolean {
  return a.id === b.id && a.cursor === b.cursor;
}
