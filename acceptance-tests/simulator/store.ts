/**
 * The ordered, filterable, mutable view of one resource.
 *
 * Order: records that were never updated, by index (= updated_at then id, since the
 * timeline is non-decreasing and ids are zero-padded indices), then updated ("moved")
 * records in the order they were updated, each with a new updated_at later than every
 * other. The only state is the moved records: a sorted list of their indices and the list
 * of (index, new updated_at) in update order.
 */
import { Timeline } from './timeline';
import { ApiRecord } from './types';

/** Microsecond bounds: since inclusive, before exclusive. */
export interface TimeFilter {
  since?: number;
  before?: number;
}

export interface Entry {
  index: number;
  /** Current updated_at in microseconds (0 for resources without one). */
  at: number;
}

/** Builds the record of `index` from its original and current updated_at. */
export type RecordRenderer = (index: number, originalAt: number, currentAt: number) => ApiRecord;

interface Window {
  lo: number; // base index range [lo, hi)
  hi: number;
  j0: number; // movedSorted range of indices inside [lo, hi)
  j1: number;
  baseCount: number;
  mlo: number; // moved-list range inside the time filter
  mhi: number;
  total: number;
}

function lowerBound(length: number, isBefore: (i: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isBefore(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class ResourceStore {
  private readonly movedSorted: number[] = [];
  private moved: Entry[] = [];
  private lastMoveAt = -Infinity;

  constructor(
    readonly count: number,
    private readonly timeline: Timeline | null,
    private readonly render: RecordRenderer,
  ) {}

  /** Whether records have updated_at (and so take time filters and can move). */
  get incremental(): boolean {
    return this.timeline !== null;
  }

  /** Number of records matching the filter now. */
  total(filter: TimeFilter = {}): number {
    return this.window(filter).total;
  }

  /** The page at [offset, offset + limit) of the filtered order. */
  page(filter: TimeFilter, offset: number, limit: number): { total: number; data: ApiRecord[] } {
    const window = this.window(filter);
    const data: ApiRecord[] = [];
    for (const entry of this.entries(window, offset, limit)) data.push(this.materialise(entry));
    return { total: window.total, data };
  }

  /** Every record in order, unfiltered. */
  *all(): Generator<ApiRecord> {
    for (const entry of this.entries(this.window({}), 0, Infinity)) yield this.materialise(entry);
  }

  /** The records at these positions of the filtered order (positions past the end are ignored). */
  at(filter: TimeFilter, positions: number[]): Entry[] {
    const window = this.window(filter);
    return positions.flatMap((p) => [...this.entries(window, p, 1)]);
  }

  /** Marks records updated at `nowMicros`: each moves to the end with a strictly newer updated_at. */
  move(indices: number[], nowMicros: number): void {
    if (!this.timeline) throw new Error('records without updated_at cannot be updated');
    const newestOriginal = this.count > 0 ? this.timeline.at(this.count - 1) : -Infinity;
    for (const index of indices) {
      if (!Number.isInteger(index) || index < 0 || index >= this.count) throw new Error(`no record at index ${index}`);
      const at = Math.max(nowMicros, this.lastMoveAt + 1, newestOriginal + 1);
      const slot = lowerBound(this.movedSorted.length, (i) => this.movedSorted[i] < index);
      if (this.movedSorted[slot] === index) {
        this.moved = this.moved.filter((e) => e.index !== index);
      } else {
        this.movedSorted.splice(slot, 0, index);
      }
      this.moved.push({ index, at });
      this.lastMoveAt = at;
    }
  }

  private originalAt(index: number): number {
    return this.timeline ? this.timeline.at(index) : 0;
  }

  private materialise(entry: Entry): ApiRecord {
    return this.render(entry.index, this.originalAt(entry.index), entry.at);
  }

  private window(filter: TimeFilter): Window {
    const { since, before } = filter;
    const timeline = this.timeline;
    if ((since !== undefined || before !== undefined) && !timeline) throw new Error('this resource takes no time filter');
    const lo = since !== undefined && timeline ? timeline.lowerBound(since) : 0;
    const hi = before !== undefined && timeline ? Math.max(lo, timeline.lowerBound(before)) : this.count;
    const sorted = this.movedSorted;
    const j0 = lowerBound(sorted.length, (i) => sorted[i] < lo);
    const j1 = lowerBound(sorted.length, (i) => sorted[i] < hi);
    const moved = this.moved;
    const mlo = since !== undefined ? lowerBound(moved.length, (i) => moved[i].at < since) : 0;
    const mhi = before !== undefined ? Math.max(mlo, lowerBound(moved.length, (i) => moved[i].at < before)) : moved.length;
    const baseCount = hi - lo - (j1 - j0);
    return { lo, hi, j0, j1, baseCount, mlo, mhi, total: baseCount + (mhi - mlo) };
  }

  private *entries(w: Window, offset: number, limit: number): Generator<Entry> {
    let pos = offset;
    let remaining = limit;
    if (pos < w.baseCount) {
      const sorted = this.movedSorted;
      // First moved index with more than `pos` unmoved records between lo and it.
      const a = w.j0 + lowerBound(w.j1 - w.j0, (k) => sorted[w.j0 + k] - w.lo - k <= pos);
      let index = w.lo + pos + (a - w.j0);
      let j = a;
      while (remaining > 0 && index < w.hi) {
        if (j < w.j1 && sorted[j] === index) {
          j++;
        } else {
          yield { index, at: this.originalAt(index) };
          remaining--;
        }
        index++;
      }
      pos = w.baseCount;
    }
    for (let m = w.mlo + (pos - w.baseCount); remaining > 0 && m < w.mhi; m++, remaining--) {
      yield this.moved[m];
    }
  }
}
