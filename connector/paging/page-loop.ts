import type { Page, Row } from '../records/selector';
import type { InFlightLimit } from './in-flight';
import type { OffsetPager, PageRequest } from './offset-pager';

/** Fetches the page a request asks for; `signal` aborts it when the pager no longer needs it. */
export type PageFetcher = (req: PageRequest, signal: AbortSignal) => Promise<Page>;

export interface PassHooks {
  /** Sees the pass's first page before it is accepted; false abandons the pass (nothing of it is emitted). */
  admit?(page: Page): boolean;
  /** The new rows of each accepted page, in list order. Awaited, so the consumer's pace holds the loop. */
  rows(rows: Row[], page: Page): Promise<void>;
  /** The list changed under the read and the pager restarted (from the first record, if `startOver`). */
  restarted?(reason: string, restarts: number, startOver: boolean): void;
}

export interface PassResult {
  /** Pages that came back (the abandoned first page included). */
  pages: number;
  /** False when `admit` turned the pass down. */
  admitted: boolean;
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
 * in flight, see in-flight.ts). Whatever happens, no request is left running.
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
      for (let r: PageRequest | undefined; queue.length < limit.value && (r = pager.next()); ) queue.push(start(r));
      const head = queue.shift();
      if (!head) return { pages, admitted: true };
      const page = await head.page;
      if (pages++ === 0 && hooks.admit && !hooks.admit(page)) return { pages, admitted: false };
      const verdict = pager.accept(head.req, page);
      if (verdict.kind === 'stale') continue;
      if (verdict.kind === 'restart') {
        abandon();
        limit.restarted();
        hooks.restarted?.(verdict.reason, pager.restarts, verdict.startOver === true);
        continue;
      }
      limit.verified();
      await hooks.rows(verdict.rows, page);
      if (verdict.done) return { pages, admitted: true };
    }
  } finally {
    abandon();
  }
}
