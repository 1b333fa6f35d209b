import type { Micros } from '../state/timestamp';

/**
 * The API's clock, as the Date header of its responses shows it.
 *
 * It decides nothing about what a read covers or where it resumes: bounds
 * and checkpoints are records (windows/, state/checkpoint.ts), because
 * `updated_at` is stamped by whatever writes a record while Date is written
 * by the API's web tier, and the two need not agree. The clock only caps:
 * a checkpoint is never persisted ahead of the later of the API's clock and
 * the local one (`ceiling`), so a record stamped in the future cannot become
 * a cursor that skips every later update. Date has whole seconds and is
 * stamped before the response travels, so Date − (local time of arrival) is
 * a lower bound of the offset between the clocks; the largest one seen is
 * kept, and the ceiling is never ahead of either clock.
 */
export class ApiClock {
  private offsetMs: number | undefined;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** Learns from one response's Date header, received at local epoch ms `receivedAt`. */
  observe(dateHeader: string | null | undefined, receivedAt: number = this.localNow()): void {
    if (!dateHeader) return;
    const at = Date.parse(dateHeader);
    if (Number.isNaN(at)) return;
    const bound = at - receivedAt;
    if (this.offsetMs === undefined || bound > this.offsetMs) this.offsetMs = bound;
  }

  /** The later of the API's clock (as far as Date has shown it) and the local one, in epoch µs. */
  ceiling(): Micros {
    const local = this.localNow();
    return BigInt(Math.floor(local + Math.max(0, this.offsetMs ?? 0))) * 1000n;
  }
}
