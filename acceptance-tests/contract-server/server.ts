/**
 * A second, independent server of the contract (../../shared/vendor-api/openapi.yaml,
 * copied in acceptance-tests/simulator/openapi.yaml), written differently from the
 * simulator on purpose: plain sorted arrays, its own timestamp code, its own ids.
 * The connector was tuned on the simulator; this server makes the choices the
 * contract leaves open the other way (see README.md beside this file).
 */
import http from 'http';
import { AddressInfo } from 'net';
import { OrderedList, StampStyle } from './list';
import { Json, randomSource, Resource, RESOURCES } from './records';
import { fromMs, Micros, parse, truncate } from './stamps';

export const CONTRACT_API_KEY = 'contract-key-7d41f0';

export interface ContractServerOptions {
  /** Records per resource at the start (default 20 each). */
  counts?: Partial<Record<Resource, number>>;
  seed?: number;
  /** Fraction digits the writer stamps with: 0 (whole seconds, the most ties) to 6. Default 6. */
  stampDigits?: number;
  /** 'fixed' writes exactly stampDigits digits; 'minimal' drops trailing zeros (0 to 6 digits). Default 'minimal'. */
  stampStyle?: 'fixed' | 'minimal';
  /** At most this many records per page, whatever `limit` asks. */
  pageCap?: number;
  /** What a capped page's `limit` says: the limit asked for (default) or the records it may hold. */
  reportedLimit?: 'requested' | 'cap';
  /** A lagging replica: every nth list request with offset > 0 answers no records, with the true total. */
  emptyPageEvery?: number;
  /** A replica that never catches up: every request at this offset or beyond answers no records. */
  emptyFrom?: number;
  /** The Date header: skewed from the writer's clock by `skewMs`, or absent. Default: the writer's clock. */
  date?: { skewMs: number } | 'none';
  /** One record of `resource` stamped at `at` (e.g. 2099-01-01T00:00:00Z), a bad row in the vendor's database. */
  futureRecord?: { resource: Resource; at: string };
  /** Updates to records picked at random, after every page served and/or steadily per second. */
  churn?: ChurnOptions;
  /** Token bucket per key; past it, 429 with Retry-After in seconds. */
  rateLimit?: { perSecond: number; burst: number };
  latencyMs?: number;
}

export interface ChurnOptions {
  resource: Resource;
  perRequest?: number;
  perSecond?: number;
}

export interface LoggedRequest {
  at: number;
  path: string;
  query: Record<string, string>;
  status: number;
  rows: number;
  total?: number;
}

export interface ContractServer {
  url: string;
  apiKey: string;
  /** Every record of `resource` as it would be served now, in the contract's order. */
  records(resource: Resource): Json[];
  /** Every version written of each record of `resource`, as the JSON text served, oldest first. */
  history(resource: Resource): ReadonlyMap<string, readonly string[]>;
  /** The API's clock as its Date header shows it (the writer's clock when there is no skew). */
  apiNow(): number;
  /** New versions of these records, stamped now, or at `stampMs` (an update that becomes visible late). */
  update(resource: Resource, ids: readonly string[], opts?: { stampMs?: number }): void;
  /** New versions of `n` records picked at random; returns their ids. */
  updateRandom(resource: Resource, n: number): string[];
  /** `n` new records stamped now. */
  insert(resource: Resource, n: number): string[];
  setChurn(churn: ChurnOptions | undefined): void;
  /** Updates made by churn so far. */
  readonly churned: number;
  readonly requests: readonly LoggedRequest[];
  close(): Promise<void>;
}

class Bucket {
  private tokens: number;
  private last = Date.now();
  constructor(private readonly cfg: { perSecond: number; burst: number }) {
    this.tokens = cfg.burst;
  }
  take(): { ok: boolean; remaining: number; retryAfter: number; reset: number } {
    const now = Date.now();
    this.tokens = Math.min(this.cfg.burst, this.tokens + ((now - this.last) / 1000) * this.cfg.perSecond);
    this.last = now;
    const ok = this.tokens >= 1;
    if (ok) this.tokens -= 1;
    return {
      ok,
      remaining: Math.floor(this.tokens),
      retryAfter: Math.max(1, Math.ceil((1 - this.tokens) / this.cfg.perSecond)),
      reset: Math.ceil((this.cfg.burst - this.tokens) / this.cfg.perSecond),
    };
  }
}

const PAGE_PATH = /^\/v1\/([a-z_]+)$/;

export async function startContractServer(opts: ContractServerOptions = {}): Promise<ContractServer> {
  const random = randomSource(opts.seed ?? 1);
  const stamps: StampStyle = { digits: opts.stampDigits ?? 6, style: opts.stampStyle ?? 'minimal' };
  if (!(Number.isInteger(stamps.digits) && stamps.digits >= 0 && stamps.digits <= 6)) throw new Error('stampDigits must be 0 to 6');
  const writerNow = (): Micros => truncate(fromMs(Date.now()), stamps.digits);
  const lists = {} as Record<Resource, OrderedList>;
  for (const resource of RESOURCES) {
    const list = new OrderedList(resource, stamps, random);
    // Stamps spread over 2025, many ties: 0 to 3 s apart, on whole seconds a quarter of the time.
    let t = fromMs(Date.UTC(2025, 0, 1));
    for (let i = 0; i < (opts.counts?.[resource] ?? 20); i++) {
      const gap = random();
      if (gap > 0.3) t += BigInt(Math.floor(gap * 3_000_000));
      list.add(truncate(gap > 0.75 ? truncate(t, 0) : t, stamps.digits));
    }
    lists[resource] = list;
  }
  if (opts.futureRecord) {
    const at = parse(opts.futureRecord.at);
    if (at === undefined) throw new Error(`futureRecord.at is not a timestamp: ${opts.futureRecord.at}`);
    const list = lists[opts.futureRecord.resource];
    list.update([list.entries[Math.floor(list.entries.length / 2)].id], at);
  }

  const requests: LoggedRequest[] = [];
  const buckets = new Map<string, Bucket>();
  let churn: ChurnOptions | undefined;
  let churned = 0;
  let churnTimer: NodeJS.Timeout | undefined;
  let listRequestsBeyondFirst = 0;
  let closed = false;

  const FAR = fromMs(Date.UTC(2098, 0, 1));
  const updateRandom = (resource: Resource, n: number): string[] => {
    const list = lists[resource];
    const ids: string[] = [];
    for (let k = 0, tries = 0; k < n && list.entries.length && tries < 10 * n; tries++) {
      // The future record stays where it is: it is the vendor's bad row, not something its users touch.
      const entry = list.entries[Math.floor(random() * list.entries.length)];
      if (entry.at >= FAR) continue;
      list.update([entry.id], writerNow());
      ids.push(entry.id);
      k++;
    }
    return ids;
  };
  const setChurn = (c: ChurnOptions | undefined) => {
    churn = c;
    if (churnTimer) clearInterval(churnTimer);
    churnTimer = undefined;
    if (c?.perSecond) {
      let owed = 0;
      churnTimer = setInterval(() => {
        owed += c.perSecond! / 20;
        const n = Math.floor(owed);
        owed -= n;
        churned += updateRandom(c.resource, n).length;
      }, 50);
      churnTimer.unref();
    }
  };
  setChurn(opts.churn);

  const dateHeader = (): string | undefined => {
    if (opts.date === 'none') return undefined;
    return new Date(Date.now() + (opts.date?.skewMs ?? 0)).toUTCString();
  };

  const server = http.createServer({ keepAlive: true }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://contract.invalid');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (k !== 'api_key') query[k] = v;
    const answer = (status: number, body: Json, headers: Record<string, string> = {}, rows = 0, total?: number) => {
      if (closed) return;
      res.sendDate = false;
      const text = JSON.stringify(body);
      const date = dateHeader();
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        ...(date ? { date } : {}),
        ...headers,
      });
      res.end(text);
      requests.push({ at: Date.now(), path: url.pathname, query, status, rows, total });
    };
    const error = (status: number, code: string, message: string, headers?: Record<string, string>) =>
      answer(status, { error: { code, message } }, headers);

    const serve = () => {
      const match = PAGE_PATH.exec(url.pathname);
      const resource = match?.[1] as Resource | undefined;
      if (req.method !== 'GET' || !resource || !RESOURCES.includes(resource)) return error(404, 'not_found', 'no such endpoint');
      const key = url.searchParams.get('api_key');
      if (key !== CONTRACT_API_KEY) return error(401, 'unauthorized', 'missing or unknown api_key');
      const list = lists[resource];
      const int = (name: string, dflt: number) => {
        const v = url.searchParams.get(name);
        return v === null ? dflt : /^\d+$/.test(v) ? Number(v) : NaN;
      };
      const offset = int('offset', 0);
      const limit = int('limit', 100);
      if (!Number.isSafeInteger(offset) || !Number.isInteger(limit) || limit < 1 || limit > 100) {
        return error(400, 'bad_request', 'offset must be >= 0 and limit 1 to 100');
      }
      const bounds: (Micros | undefined)[] = [];
      for (const name of ['updated_since', 'updated_before']) {
        const v = url.searchParams.get(name);
        if (v !== null && !list.incremental) return error(400, 'bad_request', `${resource} takes no ${name}`);
        const t = v === null ? undefined : parse(v);
        if (v !== null && t === undefined) return error(400, 'bad_request', `${name} is not an RFC 3339 timestamp`);
        bounds.push(t);
      }
      const headers: Record<string, string> = {};
      if (opts.rateLimit) {
        let bucket = buckets.get(key);
        if (!bucket) buckets.set(key, (bucket = new Bucket(opts.rateLimit)));
        const taken = bucket.take();
        Object.assign(headers, {
          'x-ratelimit-limit': String(opts.rateLimit.burst),
          'x-ratelimit-remaining': String(taken.remaining),
          'x-ratelimit-reset': String(taken.reset),
        });
        if (!taken.ok) return error(429, 'rate_limited', 'too many requests', { ...headers, 'retry-after': String(taken.retryAfter) });
      } else {
        Object.assign(headers, { 'x-ratelimit-limit': '20', 'x-ratelimit-remaining': '20', 'x-ratelimit-reset': '0' });
      }

      const matching = list.range(bounds[0], bounds[1]);
      const served = Math.min(limit, opts.pageCap ?? 100);
      let data = matching.slice(offset, offset + served);
      if (offset > 0) {
        listRequestsBeyondFirst++;
        if (opts.emptyPageEvery && listRequestsBeyondFirst % opts.emptyPageEvery === 0) data = [];
      }
      if (opts.emptyFrom !== undefined && offset >= opts.emptyFrom) data = [];
      const reported = opts.pageCap !== undefined && opts.reportedLimit === 'cap' ? served : limit;
      answer(200, { total: matching.length, offset, limit: reported, data: data.map((e) => e.record) }, headers, data.length, matching.length);
      if (churn?.perRequest && churn.resource === resource) churned += updateRandom(resource, churn.perRequest).length;
    };
    if (opts.latencyMs) setTimeout(serve, opts.latencyMs);
    else serve();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey: CONTRACT_API_KEY,
    records: (resource) => lists[resource].entries.map((e) => e.record),
    history: (resource) => lists[resource].history,
    apiNow: () => Date.now() + (opts.date === 'none' ? 0 : (opts.date?.skewMs ?? 0)),
    update: (resource, ids, o = {}) => {
      lists[resource].update(ids, o.stampMs === undefined ? writerNow() : truncate(fromMs(o.stampMs), stamps.digits));
    },
    updateRandom,
    insert: (resource, n) => Array.from({ length: n }, () => lists[resource].add(writerNow()).id),
    setChurn,
    get churned() {
      return churned;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        setChurn(undefined);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
