import { systemError, transientError } from '../protocol/errors';
import type { Page, Row } from '../records/selector';
import { formatTimestamp, Micros } from '../state/timestamp';
import { afterRun, InstantLedger, sameVersion } from './instant-ledger';

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
 *    of the current instant are kept, only those) and dropped, wherever they
 *    come in the new query. It always starts at offset 0: with stamps of whole
 *    seconds a record updated now can share P's instant with an id below P's,
 *    which puts it before P, so looking for P at the offset it had would skip
 *    that record (a remove and an insert keep P's offset while changing what
 *    precedes it).
 * 3. Streams without a cursor (ordered by id only) restart by looking for P
 *    in the page one step earlier, and further back, down to offset 0.
 *
 * 4. `total`, not a short page, marks the end. The contract promises only
 *    that a page holds at most `limit` records, so a query ends on the first
 *    page with `offset + rows >= total` in that response, whatever its size.
 *    The next page starts at the last row of this one (offset + rows − 1):
 *    the pager steps by what the server returned. When the server serves
 *    fewer rows than the pager expected (a page cap), the requests already in
 *    flight at the old step are stale and the next one is asked where it
 *    belongs. A page that brings nothing to step on while `total` says more
 *    (empty, or only the record already read: a lagging replica) is drift
 *    like any other: a keyset restart. If it persists the stream fails with a
 *    system_error naming the offset and the totals; it never ends as if the
 *    list were complete.
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
  /**
   * `realigned`: the server serves fewer rows per page than the pager expected; the requests in flight are stale.
   * `checked`: the page passed the overlap check (false for the first page of a query).
   */
  | { kind: 'rows'; rows: Row[]; done: boolean; checked: boolean; realigned?: boolean }
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
   * Lists with a cursor: records a previous pass already emitted at the
   * instant this one starts from (inclusive), so that it does not emit them
   * again at the version already emitted.
   */
  alreadyEmitted?: InstantLedger;
  /** Restarts allowed without any new record in between. */
  maxIdleRestarts?: number;
}

/** What the first page of a query must show: nothing in particular, or (lists by id, resuming) the record to go on after. */
type FirstPageRule = 'none' | 'contains-anchor';

/** Why a query restarts: records moved under it, or a page came back with nothing to step on while `total` says more. */
type Drift = 'moved' | 'short';

/** Restarts in a row without a new record before the stream fails (see PagerOptions.maxIdleRestarts). */
export const MAX_IDLE_RESTARTS = 50;

/** An empty page while `total` says more is asked for again this many times before the query restarts from its last record. */
const SHORT_PAGE_RETRIES = 3;

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
  /** Last row emitted, and what was emitted at its cursor instant. */
  private last: Row | undefined;
  private ledger: InstantLedger | undefined;
  /** Offset at which `last` was seen. */
  private lastOffset: number | undefined;
  /** Still looking for `resumeAfter`: if it cannot be found, start over instead of failing. */
  private resuming = false;
  private resumeLookbacks = 0;
  private idleRestarts = 0;
  /** Short pages in a row at the same offset (see SHORT_PAGE_RETRIES). */
  private shortRetries = 0;
  private finished = false;
  /** Rows a page is expected to hold: the limit asked for, until the server shows it serves fewer. */
  private size: number;
  restarts = 0;

  constructor(private readonly opts: PagerOptions) {
    if (opts.limit < 2) throw new Error('the overlapping pager needs a page size of at least 2');
    this.size = opts.limit;
    this.since = opts.since;
    const done = opts.alreadyEmitted;
    if (done && opts.hasCursor && done.size > 0) {
      this.last = { id: done.ids[done.size - 1], cursor: done.cursor, record: {} };
      this.ledger = done.copy();
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

  /** Pages overlap by one record: each starts at the last row of the one before. */
  private get step(): number {
    return this.size - 1;
  }

  /** The rows a page has held so far (the limit asked for, or the server's smaller page). */
  get pageSize(): number {
    return this.size;
  }

  /** The last record emitted (its cursor is the checkpoint). */
  get position(): Row | undefined {
    return this.last;
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
    const total = page.total;
    if (total === undefined) {
      throw systemError(
        `The API answered the page at offset ${req.offset} without a "total": the end of the list cannot be known, so the stream stops here.`,
      );
    }
    this.knownTotal = total;
    const end = req.offset + rows.length >= total;
    // Nothing to step on while the total says more: an empty page, or one that holds only the record already read.
    if (!end && rows.length < 2) {
      const what = rows.length === 0 ? 'no records' : 'only the record that ended the page before';
      const reason = `the page at offset ${req.offset} came back with ${what} although its total says ${total}`;
      // A lagging replica usually answers the next time: ask for the same page again, a few times, before a keyset restart.
      return ++this.shortRetries <= SHORT_PAGE_RETRIES ? this.askAgain(reason, req.offset) : this.restart(reason, req.offset, 'short');
    }
    this.shortRetries = 0;

    let skip: number;
    const checked = !(req.offset === this.firstOffset && this.anchor === undefined);
    if (!checked) {
      const verdict = this.checkFirstPage(rows);
      if (typeof verdict === 'string') return this.restart(verdict, req.offset, 'moved');
      skip = verdict;
    } else {
      const found = this.findAnchor(rows);
      if (found < 0) return this.restart(`the record at offset ${req.offset} is no longer the one that ended the previous page`, req.offset, 'moved');
      // The overlap row is skipped unless it is a later version in the same place (updated within its own second).
      skip = sameVersion(rows[found].record, this.anchor!.record) ? found + 1 : found;
    }

    // A tie group longer than a page: records of the last instant already emitted (by this query or the pass
    // before) can come after the anchor too.
    const fresh = this.withoutEmitted(rows.slice(skip));
    this.checkOrder(fresh, req);
    this.remember(fresh);
    if (fresh.length) {
      this.idleRestarts = 0;
      this.lastOffset = req.offset + rows.length - 1;
    }
    this.resuming = false;
    if (rows.length) this.anchor = rows[rows.length - 1];
    if (end) {
      this.finished = true;
      return { kind: 'rows', rows: fresh, done: true, checked };
    }
    // Step by what the server returned: the next page starts at this page's last row.
    this.expectedOffset = req.offset + rows.length - 1;
    this.requiredOffset = this.expectedOffset;
    const realigned = rows.length !== this.size;
    if (realigned) {
      // The server pages by a size of its own: the requests in flight were asked at the old step.
      this.size = rows.length;
      this.query++;
      this.nextOffset = this.expectedOffset;
    }
    return { kind: 'rows', rows: fresh, done: false, checked, realigned };
  }

  /**
   * Lists with a cursor: the next page as a new query from the last record
   * emitted (keyset), instead of the next offset of this one. Nothing behind
   * that record can shift it. Only between pages (nothing in flight), and
   * only when the records emitted at its instant leave room for new ones on a
   * page; false (nothing changed) otherwise.
   */
  rebase(): boolean {
    const last = this.last;
    if (!this.opts.hasCursor || this.finished || this.anchor === undefined || !last || last.cursor === undefined) return false;
    if ((this.ledger?.size ?? 0) >= this.size - 1) return false;
    this.query++;
    this.since = last.cursor;
    this.firstRule = 'none';
    this.firstOffset = this.expectedOffset = 0;
    this.issued = false;
    this.anchor = undefined;
    this.requiredOffset = undefined;
    this.knownTotal = undefined;
    return true;
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
      case 'contains-anchor': {
        const i = this.last ? rows.findIndex((r) => r.id === this.last!.id) : -1;
        if (i < 0) return `record ${JSON.stringify(this.last?.id)} is not where it was`;
        return i + 1;
      }
    }
  }

  /**
   * `rows` without the versions already emitted at the ledger's instant. Rows ascend, so only a leading run can be
   * at that instant: the rest of the page is not looked at (this runs for every page of every read).
   */
  private withoutEmitted(rows: Row[]): Row[] {
    const ledger = this.ledger;
    if (!this.opts.hasCursor || ledger === undefined) return rows;
    let k = 0;
    while (k < rows.length && rows[k].cursor === ledger.cursor) k++;
    if (k === 0) return rows;
    const kept = rows.slice(0, k).filter((r) => !ledger.emitted(r));
    return kept.length === k ? rows : kept.concat(rows.slice(k));
  }

  /** The rows just emitted: the last one, and in the ledger those of its instant (earlier instants are done with). */
  private remember(rows: Row[]): void {
    if (!rows.length) return;
    const last = rows[rows.length - 1];
    this.last = last;
    if (last.cursor === undefined) return;
    this.ledger = afterRun(this.ledger, rows, rows.length - 1).ledger;
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

  /** The query's filters, as an error message names them. */
  private filterText(): string {
    const parts = [
      this.since !== undefined ? `updated_since=${formatTimestamp(this.since)}` : '',
      this.opts.before !== undefined ? `updated_before=${formatTimestamp(this.opts.before)}` : '',
    ].filter(Boolean);
    return parts.length ? ` (${parts.join(', ')})` : '';
  }

  /** One more restart without a new record; past the limit the stream fails, loudly: system_error for pages that end early. */
  private countIdle(reason: string, drift: Drift): void {
    this.restarts++;
    if (++this.idleRestarts <= (this.opts.maxIdleRestarts ?? MAX_IDLE_RESTARTS)) return;
    const restarts = this.idleRestarts - 1;
    if (drift === 'short') {
      throw systemError(
        `The API keeps answering pages that end before its own total: ${reason}, ${restarts} times in a row without a new record` +
          `${this.filterText()}. The list cannot be read to its end, so the stream stops here, not complete; ` +
          `records and state already emitted are valid.`,
      );
    }
    throw transientError(`The data changed so fast while paging that no progress was made after ${restarts} restarts (${reason}). Retry the sync later.`);
  }

  /**
   * The same page again: nothing says records moved, so the position stands (the requests in flight are stale).
   * Not an idle restart: SHORT_PAGE_RETRIES in a row at one offset end in a keyset restart, which is.
   */
  private askAgain(reason: string, offset: number): Verdict {
    this.restarts++;
    this.query++;
    this.issued = true;
    this.expectedOffset = this.nextOffset = this.requiredOffset = offset;
    return { kind: 'restart', reason: `${reason}; asking for it again` };
  }

  private restart(reason: string, failedOffset: number, drift: Drift): Verdict {
    this.shortRetries = 0;
    this.countIdle(reason, drift);
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
      this.firstRule = 'none'; // what was emitted at the instant it starts from is dropped wherever it comes (accept)
      this.firstOffset = 0;
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
