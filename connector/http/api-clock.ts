import type { Micros } from '../state/timestamp';

export interface ApiClockOptions {
  /**
   * How far behind the local clock to stay while no response has carried a
   * Date header: the local clock may be skewed, and a bound past the API's
   * "now" could checkpoint past records updated after the read.
   */
  marginWithoutDateMs: number;
  now?: () => number;
}

/** Five minutes: far more than the skew of any synchronised clock, a small delay for the next sync. */
export const DEFAULT_MARGIN_WITHOUT_DATE_MS = 5 * 60_000;

/**
 * The API's clock, as seen through the Date header of its responses.
 *
 * A read is bounded by "now" on the API's clock, never the local one: a bound
 * later than the API's own time would let a record updated after the read
 * carry an updated_at below a checkpoint. Date has whole seconds and is
 * stamped before the response travels, so each response proves only a lower
 * bound for the offset between the two clocks: Date − (local time of
 * arrival). The clock keeps the largest such bound, so `now()` never runs
 * ahead of the API, and it tightens as more responses arrive.
 */
export class ApiClock {
  private offsetMs: number | undefined;
  /** The smallest upper bound on the offset: Date + 1 s − (local time the request left). */
  private offsetCeilingMs: number | undefined;
  private readonly localNow: () => number;

  constructor(private readonly opts: ApiClockOptions = { marginWithoutDateMs: DEFAULT_MARGIN_WITHOUT_DATE_MS }) {
    this.localNow = opts.now ?? Date.now;
  }

  /**
   * Learns from one response's Date header, for a request sent at `sentAt`
   * and answered at `receivedAt` (local epoch ms). The API stamped Date
   * between the two, with its clock between Date and Date + 1 s.
   */
  observe(dateHeader: string | null | undefined, receivedAt: number = this.localNow(), sentAt?: number): void {
    if (!dateHeader) return;
    const at = Date.parse(dateHeader);
    if (Number.isNaN(at)) return;
    const bound = at - receivedAt;
    if (this.offsetMs === undefined || bound > this.offsetMs) this.offsetMs = bound;
    if (sentAt !== undefined) {
      const ceiling = at + 1000 - sentAt;
      if (this.offsetCeilingMs === undefined || ceiling < this.offsetCeilingMs) this.offsetCeilingMs = ceiling;
    }
  }

  /** The local clock this one reads (Date.now unless a test says otherwise). */
  localTime(): number {
    return this.localNow();
  }

  /** The offset (API minus local, ms) `now()` uses: a lower bound that only ever rises; undefined before any Date. */
  get offsetMsLowerBound(): number | undefined {
    return this.offsetMs;
  }

  /** True once some response carried a readable Date. */
  get synced(): boolean {
    return this.offsetMs !== undefined;
  }

  /** An instant no later than the API's current time, in epoch microseconds. */
  now(): Micros {
    const local = this.localNow();
    const ms = this.offsetMs === undefined ? local - this.opts.marginWithoutDateMs : local + this.offsetMs;
    return BigInt(Math.floor(ms)) * 1000n;
  }

  /**
   * Learns from an instant the API has already reached (the updated_at of a
   * record it served), seen at `seenAt`: on a busy list, records updated
   * moments ago pin the API's "now" far more tightly than Date's whole
   * seconds. (The same assumption as every cursor: one clock stamps both.)
   */
  observeInstant(instant: Micros | undefined, seenAt: number = this.localNow()): void {
    if (instant === undefined) return;
    const bound = Number(instant / 1000n) - seenAt;
    if (this.offsetMs === undefined || bound > this.offsetMs) this.offsetMs = bound;
  }

  /**
   * An instant no earlier than the API's time when the local clock read
   * `localMs` (undefined until a response carried Date); it tightens as
   * responses arrive. A read that must cover everything updated before it
   * started goes on until `now()` has passed this for its start.
   */
  latestAt(localMs: number): Micros | undefined {
    if (this.offsetCeilingMs === undefined) return undefined;
    return BigInt(Math.ceil(localMs + this.offsetCeilingMs)) * 1000n;
  }

  /** Milliseconds until `now()` reaches `instant` (0 when it has). */
  msUntil(instant: Micros): number {
    const behind = instant - this.now();
    return behind > 0n ? Number((behind + 999n) / 1000n) : 0;
  }
}
