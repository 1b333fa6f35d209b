import { PausedPastBudget, sleep } from './types';

export interface RateLimiterOptions {
  /** Steady rate, requests per second. */
  perSecond: number;
  /** Bucket size: requests that may go out back to back. */
  burst: number;
  now?: () => number;
}

/**
 * A client-side token bucket shared by every request of the run (the API's
 * limit is per key). It also listens to the API: `observe` lowers the local
 * budget to what X-RateLimit-Remaining says is left, so we slow down before
 * the API has to answer 429, and `pauseUntil` stops everyone after a 429
 * until its Retry-After has passed. A token only lets a request be written
 * while no pause is in force (`paused`): one that got its token before a
 * pause began and reached the wire after it is held back, not sent.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  /** The HTTP status of the answer that asked for the pause in force. */
  private pausedBy: number | undefined;
  private sequence = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly opts: RateLimiterOptions) {
    this.now = opts.now ?? Date.now;
    this.tokens = opts.burst;
    this.last = this.now();
  }

  /**
   * Waits for a token (first come, first served). Resolves to the attempt's
   * sequence number; rejects with the signal's reason as soon as `signal`
   * aborts, leaving no timer behind (a command that gives up must be able to
   * exit at once, not after a Retry-After pause). With `notAfter` (epoch ms),
   * rejects with PausedPastBudget instead of waiting for a pause that lasts
   * longer: a request whose budget ends first never sends anything.
   */
  acquire(signal?: AbortSignal, notAfter?: number): Promise<number> {
    const turn = this.queue.then(() => this.take(signal, notAfter));
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** Milliseconds since epoch until which nobody may send, or 0. */
  get pausedUntilMs(): number {
    return this.pausedUntil > this.now() ? this.pausedUntil : 0;
  }

  /** True while a wait the API asked for is in force: no request may be written (see ApiRequest.mayWrite). */
  get paused(): boolean {
    return this.pausedUntil > this.now();
  }

  /** After a 429 (or a 5xx with Retry-After): the API's bucket is empty, so ours is too, and nobody sends before `epochMs`. */
  pauseUntil(epochMs: number, askedBy?: number): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
    if (epochMs > this.pausedUntil) {
      this.pausedUntil = epochMs;
      this.pausedBy = askedBy;
    }
  }

  /**
   * Aligns the bucket with the API's view, reported on the response to the
   * attempt numbered `sequence`: what was left then, minus what we have sent
   * since, is the most we may still have.
   */
  observe(headers: { get(name: string): string | null }, sequence: number | undefined): void {
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    if (headers.get('x-ratelimit-remaining') === null || !Number.isFinite(remaining) || sequence === undefined) return;
    this.refill();
    const sentSince = this.sequence - sequence;
    this.tokens = Math.min(this.tokens, remaining - sentSince);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.opts.burst, this.tokens + ((now - this.last) / 1000) * this.opts.perSecond);
    this.last = now;
  }

  private async take(signal?: AbortSignal, notAfter?: number): Promise<number> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const paused = this.pausedUntil - this.now();
      if (paused > 0 && notAfter !== undefined && this.pausedUntil > notAfter) throw new PausedPastBudget(this.pausedUntil, this.pausedBy);
      if (paused > 0) {
        await sleep(paused, signal);
        continue;
      }
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return ++this.sequence;
      }
      await sleep(Math.ceil(((1 - this.tokens) / this.opts.perSecond) * 1000), signal);
    }
  }
}
