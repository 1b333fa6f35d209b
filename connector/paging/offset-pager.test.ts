import type { Page, Row } from '../records/selector';
import { InstantLedger } from './instant-ledger';
import { OffsetPager, PageRequest } from './offset-pager';

/**
 * A tiny in-memory model of the API's ordering rules: rows ordered by
 * (cursor, id), filtered by `since` (inclusive), and `move(id)` giving a row a
 * new, latest cursor, which sends it to the end and shifts everything behind it.
 */
class FakeList {
  rows: Row[];
  clock: bigint;
  /** At most this many rows per page, whatever the limit asked (a server's page cap). */
  cap = Infinity;
  /** Answers no rows (with the true total) to the pages this says so for: a lagging replica. */
  empty: (req: PageRequest) => boolean = () => false;
  constructor(n: number, tie: (i: number) => bigint, private readonly hasCursor = true) {
    this.rows = Array.from({ length: n }, (_, i) => ({
      id: `r${String(i).padStart(6, '0')}`,
      cursor: hasCursor ? tie(i) : undefined,
      record: { i },
    }));
    this.clock = (this.rows.at(-1)?.cursor ?? 0n) + 1_000_000n;
  }
  page(req: PageRequest): Page {
    const matching = this.rows.filter(
      (r) => !this.hasCursor || ((req.since === undefined || r.cursor! >= req.since) && (req.before === undefined || r.cursor! < req.before)),
    );
    if (this.empty(req)) return { rows: [], total: matching.length };
    return { rows: matching.slice(req.offset, req.offset + Math.min(req.limit, this.cap)), total: matching.length };
  }
  move(index: number): void {
    const [r] = this.rows.splice(index, 1);
    this.clock += 1n;
    this.rows.push({ ...r, cursor: this.hasCursor ? this.clock : undefined, record: { ...r.record, moved: true } });
  }
  remove(index: number): void {
    this.rows.splice(index, 1);
  }
}

/** Drives the pager like the reader does: up to `inFlight` requests outstanding, pages answered in order. */
function drain(list: FakeList, pager: OffsetPager, opts: { inFlight?: number; beforeServe?: (req: PageRequest, n: number) => void } = {}) {
  const emitted: Row[] = [];
  const queue: PageRequest[] = [];
  let served = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    for (let r; queue.length < (opts.inFlight ?? 1) && (r = pager.next()); ) queue.push(r);
    const req = queue.shift();
    if (!req) break;
    opts.beforeServe?.(req, served++);
    const v = pager.accept(req, list.page(req));
    if (v.kind === 'rows') emitted.push(...v.rows);
    if (v.kind === 'restart') queue.length = 0;
    if (v.kind === 'rows' && v.done) break;
  }
  return { emitted, served };
}

const ids = (rows: Row[]) => rows.map((r) => r.id);
const everySecond = (i: number) => BigInt(Math.floor(i / 3)) * 1_000_000n; // ties of 3

describe('OffsetPager on a list that does not change', () => {
  test.each([0, 1, 99, 100, 101, 199, 250, 1000])('%i rows: every row once, in order', (n) => {
    const list = new FakeList(n, everySecond);
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: true }));
    expect(ids(emitted)).toEqual(ids(list.rows));
  });

  test('pages overlap by one record: offsets 0, 99, 198', () => {
    const list = new FakeList(250, everySecond);
    const offsets: number[] = [];
    drain(list, new OffsetPager({ limit: 100, hasCursor: true }), { beforeServe: (r) => offsets.push(r.offset) });
    expect(offsets).toEqual([0, 99, 198]);
  });

  test('with several requests in flight, no request goes past the last known total', () => {
    const list = new FakeList(1000, everySecond);
    const offsets: number[] = [];
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: true }), { inFlight: 8, beforeServe: (r) => offsets.push(r.offset) });
    expect(ids(emitted)).toEqual(ids(list.rows));
    expect(Math.max(...offsets)).toBeLessThan(1000);
  });

  test('since is sent on every request of the first query', () => {
    const list = new FakeList(300, everySecond);
    const since = 50_000_000n;
    const seen: (bigint | undefined)[] = [];
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: true, since }), { beforeServe: (r) => seen.push(r.since) });
    expect(seen.every((s) => s === since)).toBe(true);
    expect(ids(emitted)).toEqual(ids(list.rows.filter((r) => r.cursor! >= since)));
  });

  test('a tie group larger than a page is read whole', () => {
    const list = new FakeList(450, (i) => (i < 20 ? BigInt(i) : i < 370 ? 100n : BigInt(i)));
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: true }), { inFlight: 3 });
    expect(ids(emitted)).toEqual(ids(list.rows));
  });
});

describe('OffsetPager while records move to the end', () => {
  test('a record already read moves away before the next page: nothing is skipped', () => {
    const list = new FakeList(300, everySecond);
    const original = ids(list.rows);
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: true }), {
      beforeServe: (_req, n) => n === 1 && list.move(10),
    });
    const got = new Set(ids(emitted));
    expect(original.filter((id) => !got.has(id))).toEqual([]);
  });

  test('a naive offset loop over the same changes does skip (the scenario bites)', () => {
    const list = new FakeList(300, everySecond);
    const original = ids(list.rows);
    const got = new Set<string>();
    for (let offset = 0, n = 0; ; offset += 100, n++) {
      if (n === 1) list.move(10);
      const rows = list.page({ query: 0, offset, limit: 100 }).rows;
      rows.forEach((r) => got.add(r.id));
      if (rows.length < 100) break;
    }
    expect(original.filter((id) => !got.has(id)).length).toBeGreaterThan(0);
  });

  test('the record that ended the previous page moves: restart from it, no loss, no version emitted twice', () => {
    const list = new FakeList(300, everySecond);
    const original = ids(list.rows);
    const pager = new OffsetPager({ limit: 100, hasCursor: true });
    const { emitted } = drain(list, pager, { beforeServe: (_req, n) => n === 1 && list.move(99) });
    const got = ids(emitted);
    expect(original.filter((id) => !got.includes(id))).toEqual([]);
    const versions = emitted.map((r) => `${r.id}@${r.cursor}`);
    expect(new Set(versions).size).toBe(versions.length);
    expect(pager.restarts).toBeGreaterThan(0);
  });

  test('moves inside a tie group that spans pages', () => {
    const list = new FakeList(500, (i) => (i < 50 ? BigInt(i) : i < 400 ? 1000n : BigInt(i + 1000)));
    const original = ids(list.rows);
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: true }), {
      inFlight: 4,
      beforeServe: (_req, n) => {
        if (n === 2) list.move(120);
        if (n === 3) list.move(60);
      },
    });
    const got = new Set(ids(emitted));
    expect(original.filter((id) => !got.has(id))).toEqual([]);
  });

  test.each([1, 2, 4, 8])('random moves of already-read records, %i requests in flight: every record is emitted', (inFlight) => {
    let seed = 12345 + inFlight;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 20; trial++) {
      const list = new FakeList(1200, (i) => (i < 300 ? BigInt(Math.floor(i / 5)) * 10n : i < 520 ? 3000n : 3000n + BigInt(Math.floor(i / 5)) * 10n));
      const original = ids(list.rows);
      let read = 0;
      const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: true }), {
        inFlight,
        beforeServe: (req) => {
          read = Math.max(read, req.offset);
          if (random() < 0.5 && read > 0) list.move(Math.floor(random() * Math.min(read, list.rows.length - 1)));
        },
      });
      const got = new Set(ids(emitted));
      expect(original.filter((id) => !got.has(id))).toEqual([]);
    }
  });
});

describe('OffsetPager without a cursor (ordered by id only)', () => {
  test('reads every row', () => {
    const list = new FakeList(777, () => 0n, false);
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: false }), { inFlight: 4 });
    expect(ids(emitted)).toEqual(ids(list.rows));
  });

  test('a row removed behind the reader: the pager finds its place again, nothing after it is skipped', () => {
    const list = new FakeList(400, () => 0n, false);
    const original = ids(list.rows);
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: false }), {
      beforeServe: (_req, n) => n === 2 && list.remove(5),
    });
    const got = new Set(ids(emitted));
    expect(original.filter((id, i) => i !== 5 && !got.has(id))).toEqual([]);
  });
});

describe('OffsetPager over a bounded window (updated_before)', () => {
  test('every request carries the bound; records updated during the read leave the window and the read still ends', () => {
    const list = new FakeList(1000, everySecond);
    const before = list.clock; // "now" when the window was planned: every record is older
    const atStart = ids(list.rows);
    const moved = new Set<string>();
    const seen: (bigint | undefined)[] = [];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pager = new OffsetPager({ limit: 100, hasCursor: true, before });
    // A hot table: every request is followed by 30 updates anywhere in the list, read or not.
    const { emitted } = drain(list, pager, {
      inFlight: 4,
      beforeServe: (req) => {
        seen.push(req.before);
        for (let k = 0; k < 30; k++) {
          const i = Math.floor(random() * list.rows.length);
          moved.add(list.rows[i].id);
          list.move(i);
        }
      },
    });
    expect(seen.every((b) => b === before)).toBe(true);
    const got = ids(emitted);
    expect(new Set(got).size).toBe(got.length); // nothing emitted twice
    expect(got.length).toBeLessThanOrEqual(1000); // the window only shrinks: the read cannot chase updates
    // Every record that was not updated during the read is emitted; the others are left for a later window.
    expect(atStart.filter((id) => !moved.has(id) && !got.includes(id))).toEqual([]);
    expect(emitted.every((r) => r.cursor! < before)).toBe(true);
  });
});

describe('OffsetPager after another pass', () => {
  test('a query from the instant the previous pager ended does not emit again what it emitted at that instant', () => {
    const list = new FakeList(300, (i) => (i < 150 ? BigInt(i) : 150n)); // 150 records share the last instant
    const first = new OffsetPager({ limit: 100, hasCursor: true, before: 150n });
    const a = drain(list, first).emitted;
    expect(a).toHaveLength(150);
    // Pretend the first pass had also emitted 10 records at instant 150 (a tail that read part of the tie).
    const seen = InstantLedger.of(150n, list.rows.slice(150, 160));
    const next = new OffsetPager({ limit: 100, hasCursor: true, since: 150n, alreadyEmitted: seen });
    const b = drain(list, next).emitted;
    expect(ids(b)).toEqual(ids(list.rows.slice(160)));
    expect(seen.ids).toEqual(ids(list.rows.slice(150, 160))); // the ledger handed in is not changed by the pager
  });

  test('a record at that instant that changed since it was emitted (a later version in its own second) is emitted again', () => {
    const list = new FakeList(300, (i) => (i < 150 ? BigInt(i) : 150n));
    const seen = InstantLedger.of(150n, list.rows.slice(150, 160));
    list.rows[155] = { ...list.rows[155], record: { i: 155, version: 2 } }; // same updated_at, same place, new content
    const next = new OffsetPager({ limit: 100, hasCursor: true, since: 150n, alreadyEmitted: seen });
    const b = drain(list, next).emitted;
    expect(ids(b)).toEqual([list.rows[155].id, ...ids(list.rows.slice(160))]);
  });

  test('the overlap row updated in place between two pages (same instant, same place) is emitted again, at its new version', () => {
    const list = new FakeList(250, (i) => BigInt(i) * 1_000_000n);
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: true }), {
      beforeServe: (_req, n) => {
        if (n === 1) list.rows[99] = { ...list.rows[99], record: { i: 99, version: 2 } };
      },
    });
    expect(emitted.filter((r) => r.id === list.rows[99].id).map((r) => r.record)).toEqual([{ i: 99 }, { i: 99, version: 2 }]);
  });
});

describe('OffsetPager resuming a list without a cursor from a checkpoint', () => {
  const resumeOf = (pager: OffsetPager) => ({ id: pager.position!.id, offset: pager.positionOffset! });

  test('its position is the last record emitted and its offset', () => {
    const list = new FakeList(250, () => 0n, false);
    const pager = new OffsetPager({ limit: 100, hasCursor: false });
    const r0 = pager.next()!;
    pager.accept(r0, list.page(r0));
    expect(resumeOf(pager)).toEqual({ id: list.rows[99].id, offset: 99 });
    const r1 = pager.next()!;
    pager.accept(r1, list.page(r1));
    expect(resumeOf(pager)).toEqual({ id: list.rows[198].id, offset: 198 });
  });

  test('goes on right after the checkpoint record', () => {
    const list = new FakeList(777, () => 0n, false);
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: false, resumeAfter: { id: list.rows[300].id, offset: 300 } }));
    expect(ids(emitted)).toEqual(ids(list.rows.slice(301)));
  });

  test('rows removed before the checkpoint record: it is found behind its offset, nothing after it is skipped', () => {
    const list = new FakeList(777, () => 0n, false);
    const after = ids(list.rows.slice(301));
    for (let k = 0; k < 40; k++) list.remove(10);
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: false, resumeAfter: { id: 'r000300', offset: 300 } }));
    expect(ids(emitted)).toEqual(after);
  });

  test('the checkpoint record is gone: the list is read from the start (duplicates, never a loss)', () => {
    const list = new FakeList(777, () => 0n, false);
    list.remove(300);
    const pager = new OffsetPager({ limit: 100, hasCursor: false, resumeAfter: { id: 'r000300', offset: 300 } });
    const { emitted } = drain(list, pager);
    expect(ids(emitted)).toEqual(ids(list.rows));
    expect(pager.restarts).toBeLessThanOrEqual(3);
  });
});

describe('OffsetPager safety', () => {
  test('records out of cursor order stop the stream instead of checkpointing past unread data', () => {
    const pager = new OffsetPager({ limit: 100, hasCursor: true });
    const req = pager.next()!;
    const rows: Row[] = [
      { id: 'a', cursor: 5n, record: {} },
      { id: 'b', cursor: 3n, record: {} },
    ];
    expect(() => pager.accept(req, { rows, total: 2 })).toThrow(/out of updated_at order/);
  });

  test('pages from an abandoned query are reported stale', () => {
    const list = new FakeList(300, everySecond);
    const pager = new OffsetPager({ limit: 100, hasCursor: true });
    const r0 = pager.next()!;
    pager.accept(r0, list.page(r0));
    const r1 = pager.next()!;
    const r2 = pager.next()!;
    list.move(99);
    expect(pager.accept(r1, list.page(r1)).kind).toBe('restart');
    expect(pager.accept(r2, list.page(r2)).kind).toBe('stale');
  });
});

describe('OffsetPager: `total`, not a short page, marks the end', () => {
  test.each([2, 7, 50, 99])('a server that never puts more than %i records on a page: every row once, in order', (cap) => {
    const list = new FakeList(1000, everySecond);
    list.cap = cap;
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: true }), { inFlight: 4 });
    expect(ids(emitted)).toEqual(ids(list.rows));
  });

  test('it steps by what the server returned: offsets 0, 49, 98, … under a cap of 50', () => {
    const list = new FakeList(200, everySecond);
    list.cap = 50;
    const offsets: number[] = [];
    drain(list, new OffsetPager({ limit: 100, hasCursor: true }), { beforeServe: (r) => offsets.push(r.offset) });
    expect(offsets).toEqual([0, 49, 98, 147, 196]);
  });

  test('pages in flight at the old step are dropped once the server shows its cap, and asked again where they belong', () => {
    const list = new FakeList(1000, everySecond);
    list.cap = 30;
    const pager = new OffsetPager({ limit: 100, hasCursor: true });
    const r0 = pager.next()!;
    const first = pager.accept(r0, list.page(r0));
    expect(first).toMatchObject({ kind: 'rows', done: false, realigned: true });
    expect(pager.next()).toMatchObject({ offset: 29 });
  });

  test('a cap of one record cannot be paged safely: the stream fails loudly, it does not end', () => {
    const list = new FakeList(300, everySecond);
    list.cap = 1;
    expect(() => drain(list, new OffsetPager({ limit: 100, hasCursor: true, maxIdleRestarts: 5 }))).toThrow(/ends? before its own total/);
  });

  test('an empty page while the total says more (a lagging replica) is drift: the read goes on from the last record and loses nothing', () => {
    const list = new FakeList(1000, everySecond);
    let served = 0;
    list.empty = (req) => req.offset > 0 && ++served % 3 === 0;
    const pager = new OffsetPager({ limit: 100, hasCursor: true });
    const { emitted } = drain(list, pager, { inFlight: 2 });
    expect(new Set(ids(emitted))).toEqual(new Set(ids(list.rows)));
    expect(pager.restarts).toBeGreaterThan(0);
  });

  test('the first page of a query empty while its total says more is drift too, not an empty list', () => {
    const list = new FakeList(250, everySecond);
    let first = true;
    list.empty = (req) => req.offset === 0 && first && !(first = false);
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: true }));
    expect(ids(emitted)).toEqual(ids(list.rows));
  });

  test('a replica that never catches up deep in the list is read through keyset restarts, losing nothing', () => {
    const list = new FakeList(1000, everySecond);
    list.empty = (req) => req.offset >= 198;
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: true, maxIdleRestarts: 5 }), { inFlight: 3 });
    expect(new Set(ids(emitted))).toEqual(new Set(ids(list.rows)));
  });

  test('empty pages that persist fail the stream with a system_error naming the offset and the totals', () => {
    const list = new FakeList(1000, everySecond);
    let served = 0;
    list.empty = () => ++served > 3; // three pages, then nothing at any offset while the total still says 1000
    let error: unknown;
    try {
      drain(list, new OffsetPager({ limit: 100, hasCursor: true, maxIdleRestarts: 5 }));
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ failureType: 'system_error' });
    expect((error as Error).message).toMatch(/offset \d+ came back with no records although its total says \d+/);
  });

  test('an answer without a total is a system_error, never taken for the end of the list', () => {
    const pager = new OffsetPager({ limit: 100, hasCursor: true });
    const req = pager.next()!;
    expect(() => pager.accept(req, { rows: [{ id: 'a', cursor: 1n, record: {} }] })).toThrow(/without a "total"/);
  });

  test('a list without a cursor under a cap of 40: every row once, in order', () => {
    const list = new FakeList(777, () => 0n, false);
    list.cap = 40;
    const { emitted } = drain(list, new OffsetPager({ limit: 100, hasCursor: false }), { inFlight: 3 });
    expect(ids(emitted)).toEqual(ids(list.rows));
  });
});

describe('OffsetPager with stamps of whole seconds: a later version can share an instant', () => {
  test('a record updated into the tie group being read, with an id below the last one read, is not skipped by the restart', () => {
    // 250 records of one instant, then a few later ones; the writer stamps updates with that same second.
    const list = new FakeList(260, (i) => (i < 250 ? 5_000_000n : 6_000_000n + BigInt(i)));
    const tie = 5_000_000n;
    const pager = new OffsetPager({ limit: 100, hasCursor: true });
    let moved: string | undefined;
    const { emitted } = drain(list, pager, {
      beforeServe: (req, n) => {
        if (n !== 2) return;
        // After two pages (199 records of the tie read): a record not read yet is updated within the same second;
        // its id is below every id read so far, so it lands at the front of the tie group, behind the reader.
        const i = list.rows.findIndex((r) => r.id === 'r000230');
        const [r] = list.rows.splice(i, 1);
        moved = 'a' + r.id; // sorts before every "r…" id
        list.rows.splice(0, 0, { id: moved, cursor: tie, record: { moved: true } });
        void req;
      },
    });
    expect(ids(emitted)).toContain(moved);
    expect(pager.restarts).toBeGreaterThan(0);
  });
});
