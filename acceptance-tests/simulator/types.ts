/** Public types and constants of the Inventory Analytics API simulator. */
import type { WaitStats } from './waits';

export type { WaitBreach, WaitStats } from './waits';

export type Resource = 'stock_summaries' | 'customers' | 'items' | 'stock_details' | 'inventory' | 'orders';

export const RESOURCES: Resource[] = ['stock_summaries', 'customers', 'items', 'stock_details', 'inventory', 'orders'];

/** The key the simulator accepts unless `apiKeys` says otherwise. */
export const DEFAULT_API_KEY = 'sim-test-key-3f9a2c';

export type FaultBody =
  | 'json'
  | 'html'
  | 'empty'
  | 'not-json'
  | 'no-data'
  | 'data-not-array'
  | 'record-without-id'
  | 'bad-updated_at';

export interface FaultRule {
  /** e.g. '/v1/items'; default: any path. */
  path?: string;
  /** Let the first N matching requests through untouched (default 0). */
  skip?: number;
  /** Fire this many times, then stop (default 1; Infinity allowed). */
  times?: number;
  /** e.g. 429, 500, 502, 503, 504, 400. */
  status?: number;
  /** For status 200 the malformed kinds return a 200 with that defect; for errors: JSON error body, HTML page or empty body. */
  body?: FaultBody;
  /** Retry-After header: delta-seconds, or an IMF-fixdate that many seconds in the future. */
  retryAfter?: { seconds: number } | { httpDateInSeconds: number };
  /**
   * Write the headers and half the body, then destroy the socket. `true` or 'chunked': the body is
   * sent chunked (no Content-Length), so the terminating chunk never arrives; 'content-length': the
   * headers announce the whole body's length and fewer bytes arrive.
   */
  drop?: boolean | 'chunked' | 'content-length';
  /** Wait this long before answering. */
  hangMs?: number;
}

export interface RateLimitConfig {
  perSecond: number;
  burst: number;
}

export interface DriftConfig {
  resource: Resource;
  everyNthRequest: number;
  moves: number;
}

/** Records of `resource` updated at random while clients read (see churn.ts). */
export interface ChurnConfig {
  resource: Resource;
  /** Updates after every served list request of the resource. */
  perRequest?: number;
  /** Updates per second, on a steady clock. */
  perSecond?: number;
  /** Share of the records, the oldest, that updates pick from (default 1: all of them). */
  among?: number;
}

export interface SimulatorOptions {
  host?: string;
  port?: number;
  seed?: number;
  counts?: Partial<Record<Resource, number>>;
  apiKeys?: string[];
  /** Resources every key gets 403 for. */
  forbidden?: Resource[];
  /** Per-key access: a valid key listed here also gets 403 for these resources (on top of `forbidden`). */
  forbiddenByKey?: Record<string, Resource[]>;
  rateLimit?: RateLimitConfig | null;
  latencyMs?: number;
  /**
   * The API's clock minus the real one, in ms (default 0): the Date header of every answer and the
   * HTTP-date of a Retry-After are stamped on it. Record timestamps stay on the real clock, so use it
   * with data that does not change during the read.
   */
  dateSkewMs?: number;
  faults?: FaultRule[];
  drift?: DriftConfig | null;
  churn?: ChurnConfig | null;
  /** Adds undeclared fields to every record: a scalar, a nested object, a timestamp and a nullable number. */
  extraFields?: boolean;
  /**
   * Adds `ext_id` to every record, after `id`: a 64-bit integer beyond 2^53 (a bigint in `records()`),
   * written as its exact digits, which no JavaScript number can hold.
   */
  bigIds?: boolean;
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP; `url` then starts with https://. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export type MutableOptions = Partial<
  Pick<SimulatorOptions, 'forbidden' | 'forbiddenByKey' | 'rateLimit' | 'latencyMs' | 'dateSkewMs' | 'drift' | 'churn' | 'extraFields' | 'bigIds' | 'apiKeys'>
>;

export interface RequestLogEntry {
  method: string;
  path: string;
  /** The query string without api_key. */
  query: Record<string, string>;
  status: number;
  at: number;
}

export interface SimulatorStats {
  requests: number;
  byStatus: Record<number, number>;
  byPath: Record<string, number>;
  log: RequestLogEntry[];
  /** Records updated by churn so far. */
  churnUpdates: number;
  /** The waits answers asked for (429 or 503 with Retry-After) and the requests that broke them (waits.ts). */
  waits: WaitStats;
}

export interface Simulator {
  url: string;
  port: number;
  stats(): SimulatorStats;
  setFaults(rules: FaultRule[]): void;
  setOptions(patch: MutableOptions): void;
  update(resource: Resource, ids: string[]): void;
  records(resource: Resource): Generator<Record<string, unknown>>;
  close(): Promise<void>;
}

export type ApiRecord = Record<string, unknown>;
