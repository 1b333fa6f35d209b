/**
 * Churn: a busy account whose records are updated while a client reads them.
 *
 * Unlike drift (which moves records the client has already paged past, to
 * test paging), churn updates records picked uniformly at random from the
 * whole resource, read or not yet read, like a hot table in production:
 * `perRequest` after every list request of the resource that the API served
 * (so a client's own pace drives the updates), and/or `perSecond` on a steady
 * clock whatever the client does. Each update moves the record to the end of
 * the list with updated_at = now. `among` limits the updates to the oldest
 * share of the records (a hot part of the table; the rest is never updated).
 */
import { Rng, hash } from './random';
import { ResourceStore } from './store';
import { nowMicros } from './time';
import { ChurnConfig } from './types';

const TICK_MS = 20;

export class Churn {
  private readonly rng: Rng;
  private timer: NodeJS.Timeout | null = null;
  private owed = 0;
  private lastTick = 0;
  /** Updates made so far. */
  updates = 0;

  constructor(
    readonly config: ChurnConfig,
    private readonly store: ResourceStore,
    seed: number,
  ) {
    if (!store.incremental) throw new Error(`churn needs an incremental resource, not ${config.resource}`);
    for (const k of ['perRequest', 'perSecond'] as const) {
      const v = config[k];
      if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new Error(`churn.${k} must be a number >= 0`);
    }
    if (config.among !== undefined && !(config.among > 0 && config.among <= 1)) throw new Error('churn.among must be in (0, 1]');
    this.rng = new Rng(hash(seed, 0xc4a2));
    if (config.perSecond) {
      this.lastTick = Date.now();
      this.timer = setInterval(() => this.tick(), TICK_MS);
      this.timer.unref();
    }
  }

  /** A list request of the resource was served. */
  served(): void {
    if (this.config.perRequest) this.update(this.config.perRequest);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const now = Date.now();
    this.owed += ((now - this.lastTick) / 1000) * (this.config.perSecond ?? 0);
    this.lastTick = now;
    const n = Math.floor(this.owed);
    this.owed -= n;
    if (n > 0) this.update(n);
  }

  private update(n: number): void {
    // The hot records: all of them, or the oldest share of them (records are indexed in their original order).
    const count = Math.ceil(this.store.count * (this.config.among ?? 1));
    if (count === 0) return;
    const indices: number[] = [];
    for (let i = 0; i < n; i++) indices.push(this.rng.int(0, count - 1));
    this.store.move(indices, nowMicros());
    this.updates += n;
  }
}
