import type { Page, Row } from '../records/selector';
import type { InFlightLimit } from './in-flight';
import type { OffsetPager, PageRequest } from './offset-pager';

/** Fetches the page a request asks for; `signal` aborts it when the pager no longer needs it. */
export type PageFetcher = (req: PageRequest, signal: AbortSignal) => Promise<Page>;

export interface PassHooks {
  /**
   * The new rows of each accepted page, in list order, with the page they came in. Awaited, so the consumer's
   * pace holds the loop; 'stop' ends the pass there (its rows are the consumer's to keep or not).
   */
  rows(rows: Row[], page: Page, req: PageRequest): Promise<void | 'stop'>;
  /** The list changed under the read and the pager restarted (from the first record, if `startOver`). */
  restarted?(reason: string, restarts: number, startOver: boolean): void;
}

export interface PassResult {
  /** Pages that came back and were not stale. */
  pages: number;
  /** True when `rows` said 'stop' before the pager reached the end of its query. */
  stopped: boolean;
}

interface InFlight {
  req: PageRequest;
  abort: AbortController;
  page: Promise<Page>;
}

/**
 * Drives one pager to its end: keeps up to `limit.value` page requests in
 * flight, takes the pages back in request order, hands the pager's verdict
 * on each to the hooks, and adapts the limit (a restart throws away the pages
 * in flight, see in-flight.ts). Pages asked at a step the server does not
 * serve (a page cap) are dropped the moment the pager realigns. Whatever
 * happens, no request is left running.
 */
export async function readPass(pager: OffsetPager, fetchPage: PageFetcher, limit: InFlightLimit, hooks: PassHooks): Promise<PassResult> {
  const queue: InFlight[] = [];
  const start = (req: PageRequest): InFlight => {
    const abort = new AbortController();
    const page = fetchPage(req, abort.signal);
    page.catch(() => {}); // awaited in order below, or abandoned
    return { req, abort, page };
  };
  const abandon = () => {
    for (const f of queue.splice(0)) f.abort.abort();
  };
  let pages = 0;
  try {
    for (;;) {
      // At one page in flight, each page is asked from the last record emitted (see in-flight.ts).
      if (queue.length === 0 && limit.keyset) pager.rebase();
      for (let r: PageRequest | undefined; queue.length < limit.value && (r = pager.next()); ) queue.push(start(r));
      const head = queue.shift();
      if (!head) return { pages, stopped: false };
      const page = await head.page;
      const verdict = pager.accept(head.req, page);
      if (verdict.kind === 'stale') continue;
      pages++;
      if (verdict.kind === 'restart') {
        abandon();
        limit.restarted();
        hooks.restarted?.(verdict.reason, pager.restarts, verdict.startOver === true);
        continue;
      }
      if (verdict.realigned) abandon();
      limit.verified(verdict.checked);
      if ((await hooks.rows(verdict.rows, page, head.req)) === 'stop') return { pages, stopped: true };
      if (verdict.done) return { pages, stopped: false };
    }
  } finally {
    abandon();
  }
}
