import { fieldsFor, idFor, Json, Resource } from './records';
import { Micros, render } from './stamps';

/** One record as the server holds it: its identity, its stamp and the version written. */
export interface Entry {
  id: string;
  n: number;
  /** updated_at in µs (stock_summaries: 0, it has none). */
  at: Micros;
  version: number;
  record: Json;
}

/** How the writer stamps records: precision and how the text is written. */
export interface StampStyle {
  digits: number;
  style: 'fixed' | 'minimal';
}

/**
 * One resource: its records kept in the contract's order, (updated_at, id)
 * ascending, or id ascending for stock_summaries. An update gives a record a
 * new stamp and re-inserts it where that stamp belongs: normally the end of
 * the list, before a record stamped in the future, or in the middle for a
 * record that becomes visible long after it was stamped.
 */
export class OrderedList {
  readonly entries: Entry[] = [];
  /** Every version written of each record, as the JSON text the server serves, oldest first. */
  readonly history = new Map<string, string[]>();
  private readonly byId = new Map<string, Entry>();
  private made = 0;

  constructor(
    readonly resource: Resource,
    private readonly stamps: StampStyle,
    private readonly random: () => number,
  ) {}

  get incremental(): boolean {
    return this.resource !== 'stock_summaries';
  }

  /** A new record stamped `at`. */
  add(at: Micros): Entry {
    const n = ++this.made;
    const entry = this.build(idFor(this.resource, n), n, 1, at);
    this.place(entry);
    return entry;
  }

  /** Gives the records a new version stamped `at`; returns the entries. */
  update(ids: readonly string[], at: Micros): Entry[] {
    return ids.map((id) => {
      const old = this.byId.get(id);
      if (!old) throw new Error(`no ${this.resource} record ${id}`);
      this.entries.splice(this.indexOf(old), 1);
      const entry = this.build(old.id, old.n, old.version + 1, this.incremental ? at : 0n);
      this.place(entry);
      return entry;
    });
  }

  /** The records with since <= updated_at < before (all of them without bounds), in order. */
  range(since: Micros | undefined, before: Micros | undefined): Entry[] {
    if (!this.incremental) return this.entries;
    const from = since === undefined ? 0 : this.lowerBound(since);
    const to = before === undefined ? this.entries.length : this.lowerBound(before);
    return this.entries.slice(from, Math.max(from, to));
  }

  private build(id: string, n: number, version: number, at: Micros): Entry {
    const text = render(at, this.stamps.digits, this.stamps.style);
    const fields = fieldsFor(this.resource, n, version, this.random, text);
    const record: Json = this.incremental ? { id, ...fields, updated_at: text } : { id, ...fields };
    return { id, n, at, version, record };
  }

  /** Index of the first entry with at >= t. */
  private lowerBound(t: Micros): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid].at < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private before(a: Entry, b: Entry): boolean {
    return this.incremental && a.at !== b.at ? a.at < b.at : a.id < b.id;
  }

  /** Where `entry` is in the order (it must be there). */
  private indexOf(entry: Entry): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.before(this.entries[mid], entry)) lo = mid + 1;
      else hi = mid;
    }
    if (this.entries[lo] !== entry) throw new Error(`${entry.id} is not where its order puts it`);
    return lo;
  }

  private place(entry: Entry): void {
    const versions = this.history.get(entry.id) ?? [];
    versions.push(JSON.stringify(entry.record));
    this.history.set(entry.id, versions);
    this.byId.set(entry.id, entry);
    const before = (a: Entry, b: Entry) => this.before(a, b);
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.entries[mid], entry)) lo = mid + 1;
      else hi = mid;
    }
    this.entries.splice(lo, 0, entry);
  }
}
