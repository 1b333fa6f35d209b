/** Token-bucket rate limiting per API key, and the X-RateLimit-* headers. */
import { RateLimitConfig } from './types';

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again (ceil). */
  resetSeconds: number;
}

export class TokenBucket {
  private tokens: number;
  private updatedMs: number;

  constructor(
    private readonly config: RateLimitConfig,
    nowMs: number,
  ) {
    this.tokens = config.burst;
    this.updatedMs = nowMs;
  }

  /** Takes one token if there is one. */
  take(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  state(nowMs: number): RateLimitState {
    this.refill(nowMs);
    return {
      limit: this.config.burst,
      remaining: Math.floor(this.tokens),
      resetSeconds: Math.ceil((this.config.burst - this.tokens) / this.config.perSecond),
    };
  }

  /** Whole seconds until one token is available (at least 1). */
  retryAfterSeconds(nowMs: number): number {
    this.refill(nowMs);
    return Math.max(1, Math.ceil((1 - this.tokens) / this.config.perSecond));
  }

  private refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.updatedMs) / 1000;
    this.tokens = Math.min(this.config.burst, this.tokens + elapsed * this.config.perSecond);
    this.updatedMs = nowMs;
  }
}

/** The contract's published limits, shown when no limit is enforced. */
const UNENFORCED: RateLimitState = { limit: 20, remaining: 20, resetSeconds: 0 };

export class RateLimiter {
  private buckets = new Map<string, TokenBucket>();

  constructor(private config: RateLimitConfig | null) {
    if (config) validate(config);
  }

  /** Replaces the limit; every key starts with a full bucket. */
  configure(config: RateLimitConfig | null): void {
    if (config) validate(config);
    this.config = config;
    this.buckets.clear();
  }

  /** Takes a token for `key`; false (and nothing taken) when the bucket is empty. */
  take(key: string, nowMs: number): boolean {
    const bucket = this.bucket(key, nowMs);
    return bucket ? bucket.take(nowMs) : true;
  }

  /** Header values for `key` (a full bucket for keys never seen, e.g. unknown keys). */
  state(key: string | null, nowMs: number): RateLimitState {
    if (!this.config) return UNENFORCED;
    const bucket = key !== null ? this.buckets.get(key) : undefined;
    if (!bucket) return { limit: this.config.burst, remaining: this.config.burst, resetSeconds: 0 };
    return bucket.state(nowMs);
  }

  retryAfterSeconds(key: string, nowMs: number): number {
    return this.bucket(key, nowMs)?.retryAfterSeconds(nowMs) ?? 1;
  }

  private bucket(key: string, nowMs: number): TokenBucket | null {
    if (!this.config) return null;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.config, nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

function validate(config: RateLimitConfig): void {
  if (!(config.perSecond > 0) || !(config.burst >= 1)) throw new Error('rateLimit needs perSecond > 0 and burst >= 1');
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(state.limit),
    'X-RateLimit-Remaining': String(state.remaining),
    'X-RateLimit-Reset': String(state.resetSeconds),
  };
}
