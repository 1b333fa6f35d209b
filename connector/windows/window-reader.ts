import { systemError } from '../protocol/errors';
import type { Page, Row } from '../records/selector';
import type { Checkpoint } from '../state/checkpoint';
import { formatTimestamp, Micros } from '../state/timestamp';
import type { InFlightLimit } from '../paging/in-flight';
import type { InstantLedger } from '../paging/instant-ledger';
import { MAX_IDLE_RESTARTS, OffsetPager, PageRequest } from '../paging/offset-pager';
import { PageFetcher, readPass } from '../paging/page-loop';
import { PassKind, PassPlanner, PlannerOptions } from './pass-planner';

/** Where the rows of a read go, and what it tells on the way. */
export interface RowSink {
  /** The API answered a request of this stream (the first `total` is the stream's estimate). */
  answered(page: Page): void;
  /** Records to emit, in list order, already counted by the checkpoint; resolves when the consumer can take more. */
  rows(rows: Row[]): Promise<void>;
  /** The list changed under the read and a pass restarted from its last record (or asked for a page again). */
  restarted(reason: string, startOver: boolean): void;
}

export interface WindowReadOptions extends Omit<PlannerOptions, 'pageSize'> {
  fetch: PageFetcher;
  /** Records a page is asked to hold (the API allows 100). */
  limit: number;
  /** Where the first pass starts, inclusive (state cursor − lookback, start_date, a full refresh's checkpoint). */
  start?: Micros;
  inFlight: InFlightLimit;
  checkpoint: Checkpoint;
  sink: RowSink;
}

export type WindowOutcome =
  | { kind: 'complete' }
  /** Updates outpaced reads: the read stopped at its budget, `emitted` records in, with about `unread` of the current pass left. */
  | { kind: 'outpaced'; emitted: number; held: number; unread: number };

export interface WindowReadResult {
  outcome: WindowOutcome;
  passes: number;
  /** Responses of the API this read used (stale pages in flight included). */
  pages: number;
}

/**
 * Reads a stream with a cursor in passes (the policy is PassPlanner's), from
 * `start` until a pass reaches the end of the list, or the read's budget is
 * spent. Every pass starts at the checkpoint's position, the last record
 * emitted (inclusive; the ids emitted at that instant are not emitted again),
 * so nothing updated meanwhile can fall between two passes.
 */
export async function readWindows(opts: WindowReadOptions): Promise<WindowReadResult> {
  const { limit, checkpoint, sink } = opts;
  const planner = new PassPlanner({ ...opts, pageSize: limit });
  const stats = { passes: 0, pages: 0 };
  const get = async (req: PageRequest, signal?: AbortSignal): Promise<Page> => {
    const page = await opts.fetch(req, signal ?? new AbortController().signal);
    stats.pages++;
    sink.answered(page);
    return page;
  };
  let since = opts.start;
  let carry: InstantLedger | undefined;
  let pageSize = limit;
  let stalled = false;

  for (;;) {
    const opening = await openPass(get, { query: -1, offset: 0, limit, since, before: planner.end }, sink);
    const kind: PassKind = planner.plan(opening, Math.min(pageSize, opening.rows.length, opening.limit ?? pageSize), stalled);
    let before = planner.end;
    if (kind === 'bounded') {
      const newest = await newestRecord(get, since, planner.end, opening.total!);
      if (newest === undefined) continue; // the rest emptied meanwhile: the next opening says so
      before = planner.bound(newest);
    }

    const pager = new OffsetPager({ limit, hasCursor: true, since, before, alreadyEmitted: carry });
    // The opening is this pass's first page when every row of it lies inside the pass's window.
    let seed: Page | undefined = opening.rows.every((r) => before === undefined || r.cursor! < before) ? opening : undefined;
    const fetch: PageFetcher = (req, signal) => {
      if (seed && req.query === 0 && req.offset === 0) {
        const page = seed;
        seed = undefined;
        return Promise.resolve(page);
      }
      return get(req, signal);
    };
    let unread = 0;
    const progressBefore = checkpoint.progress;
    const pass = await readPass(pager, fetch, opts.inFlight, {
      rows: async (rows, page, req) => {
        if (!planner.emit(rows.length)) {
          unread = Math.max(0, (page.total ?? 0) - req.offset - 1);
          return 'stop';
        }
        checkpoint.emitted(rows);
        await sink.rows(rows);
      },
      restarted: (reason, _restarts, startOver) => sink.restarted(reason, startOver),
    });
    stats.passes++;
    if (pass.stopped) return { ...stats, outcome: { kind: 'outpaced', emitted: planner.emitted, held: planner.heldAtStart, unread } };
    if (kind !== 'bounded') return { ...stats, outcome: { kind: 'complete' } };
    // A pass that moved no checkpoint found nothing new below the clocks (at most rows stamped in the future).
    stalled = checkpoint.progress === progressBefore;
    pageSize = pager.pageSize;
    // The next pass starts at the last record emitted at or below the clocks' ceiling, inclusive.
    carry = checkpoint.atPosition ?? carry;
    since = carry?.cursor ?? since;
  }
}

/**
 * The first page of a pass. An empty page while its total says more is a
 * lagging replica: asked again, and after MAX_IDLE_RESTARTS a system_error,
 * never taken for the end of the list.
 */
async function openPass(get: (req: PageRequest) => Promise<Page>, req: PageRequest, sink: RowSink): Promise<Page> {
  for (let attempt = 1; ; attempt++) {
    const page = await get(req);
    const total = page.total;
    if (total === undefined) {
      throw systemError('The API answered the first page of a pass without a "total": the end of the list cannot be known, so the stream stops here.');
    }
    if (page.rows.length > 0 || total === 0) return page;
    if (attempt > MAX_IDLE_RESTARTS) {
      throw systemError(
        `The API keeps answering the first page (offset 0${filterText(req)}) with no records although its total says ${total}, ` +
          `${attempt} times. The list cannot be read, so the stream stops here, not complete.`,
      );
    }
    sink.restarted(`the first page came back with no records although its total says ${total}`, false);
  }
}

/**
 * The newest record of [since, before) now: one request at offset total − 1.
 * If the list shrank meanwhile the record is looked for again at the new
 * total; an empty list has none.
 */
async function newestRecord(
  get: (req: PageRequest) => Promise<Page>,
  since: Micros | undefined,
  before: Micros | undefined,
  total: number,
): Promise<Micros | undefined> {
  let t = total;
  for (let attempt = 1; ; attempt++) {
    const req: PageRequest = { query: -1, offset: Math.max(0, t - 1), limit: 1, since, before };
    const page = await get(req);
    const row = page.rows.at(-1);
    if (row?.cursor !== undefined) {
      if (since !== undefined && row.cursor < since) {
        throw systemError(
          `The API answered a record older than updated_since (record ${JSON.stringify(row.id)}): ` +
            `checkpointing past unread records could lose data, so the stream stops here.`,
        );
      }
      return row.cursor;
    }
    if (!page.total) return undefined;
    if (attempt > MAX_IDLE_RESTARTS) {
      throw systemError(
        `The API keeps answering offset ${req.offset}${filterText(req)} with no record although its total says ${page.total}: ` +
          `the newest record cannot be found, so the stream stops here, not complete.`,
      );
    }
    t = page.total;
  }
}

function filterText(req: PageRequest): string {
  return req.since === undefined ? '' : `, updated_since=${formatTimestamp(req.since)}`;
}
