/**
 * The HTTP side of the simulator: routing, auth, parameter validation, rate limiting,
 * fault injection and the normal list answer, in that order.
 */
import http from 'http';
import https from 'https';
import { AddressInfo } from 'net';
import { Churn } from './churn';
import { Body, Page, errorBody, faultErrorBody, jsonBody, malformedPage } from './bodies';
import { GenerationContext, generateRecord, indexOfId } from './data';
import { FaultInjector, faultStatus, retryAfterHeader } from './faults';
import { ListParams, parseListParams } from './params';
import { RateLimiter, rateLimitHeaders } from './rate-limit';
import { ResourceStore } from './store';
import { nowMicros } from './time';
import { Timeline } from './timeline';
import { Arrival, WaitLedger } from './waits';
import {
  ChurnConfig,
  DEFAULT_API_KEY,
  DriftConfig,
  FaultRule,
  MutableOptions,
  RESOURCES,
  RequestLogEntry,
  Resource,
  Simulator,
  SimulatorOptions,
  SimulatorStats,
} from './types';

const DEFAULT_COUNT = 250;
const MAX_COUNT = 10_000_000;
const LOG_CAP = 10_000;
const PATH = /^\/v1\/([a-z_]+)$/;

interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  method: string;
  path: string;
  query: Record<string, string>;
  /** The caller's key once it is known to be valid (drives the rate-limit headers). */
  key: string | null;
  /** When it arrived, and its connection's last answer (waits.ts). */
  arrival: Arrival;
}

function isResource(name: string): name is Resource {
  return (RESOURCES as string[]).includes(name);
}

function checkCount(resource: string, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > MAX_COUNT) throw new Error(`counts.${resource} must be an integer from 0 to ${MAX_COUNT}`);
  return n;
}

function forbiddenMap(byKey: Record<string, Resource[]>): Map<string, Set<Resource>> {
  const map = new Map<string, Set<Resource>>();
  for (const [key, resources] of Object.entries(byKey)) {
    for (const r of resources) if (!isResource(r)) throw new Error(`unknown resource in forbiddenByKey: ${r}`);
    map.set(key, new Set(resources));
  }
  return map;
}

class SimulatorServer implements Simulator {
  url = '';
  port = 0;

  private readonly server: http.Server | https.Server;
  private readonly ctx: GenerationContext;
  private readonly stores: Record<Resource, ResourceStore>;
  private readonly limiter: RateLimiter;
  private readonly faults: FaultInjector;
  private apiKeys: Set<string>;
  private forbidden: Set<Resource>;
  private forbiddenByKey: Map<string, Set<Resource>>;
  private latencyMs: number;
  private dateSkewMs: number;
  private extraFields: boolean;
  private bigIds: boolean;
  private drift: DriftConfig | null = null;
  private driftServed = 0;
  private churn: Churn | null = null;
  private churnUpdatesBefore = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private counters: Omit<SimulatorStats, 'churnUpdates' | 'waits'> = { requests: 0, byStatus: {}, byPath: {}, log: [] };
  private readonly waits = new WaitLedger(() => this.dateSkewMs);

  constructor(private readonly opts: SimulatorOptions) {
    const seed = opts.seed ?? 42;
    if (!Number.isInteger(seed)) throw new Error('seed must be an integer');
    const counts = {} as Record<Resource, number>;
    for (const resource of RESOURCES) counts[resource] = checkCount(resource, opts.counts?.[resource] ?? DEFAULT_COUNT);
    for (const name of Object.keys(opts.counts ?? {})) if (!isResource(name)) throw new Error(`unknown resource in counts: ${name}`);
    this.ctx = { seed, counts };

    this.stores = {} as Record<Resource, ResourceStore>;
    RESOURCES.forEach((resource, r) => {
      const timeline = resource === 'stock_summaries' ? null : new Timeline(seed, r, counts[resource]);
      this.stores[resource] = new ResourceStore(counts[resource], timeline, (index, originalAt, currentAt) =>
        generateRecord(this.ctx, resource, index, originalAt, currentAt, this.extraFields, this.bigIds),
      );
    });

    this.apiKeys = new Set(opts.apiKeys ?? [DEFAULT_API_KEY]);
    this.forbidden = new Set(opts.forbidden ?? []);
    this.forbiddenByKey = forbiddenMap(opts.forbiddenByKey ?? {});
    this.latencyMs = opts.latencyMs ?? 0;
    this.dateSkewMs = checkSkew(opts.dateSkewMs ?? 0);
    this.extraFields = opts.extraFields ?? false;
    this.bigIds = opts.bigIds ?? false;
    this.limiter = new RateLimiter(opts.rateLimit ?? null);
    this.faults = new FaultInjector(opts.faults ?? []);
    this.setDrift(opts.drift ?? null);
    this.setChurn(opts.churn ?? null);

    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    this.server = opts.tls
      ? https.createServer({ keepAlive: true, key: opts.tls.key, cert: opts.tls.cert }, handler)
      : http.createServer({ keepAlive: true }, handler);
    this.server.keepAliveTimeout = 30_000;
    this.server.headersTimeout = 31_000;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        this.port = address.port;
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        this.url = `${this.opts.tls ? 'https' : 'http'}://${host}:${address.port}`;
        resolve();
      });
    });
  }

  // ---- public API -------------------------------------------------------------------

  stats(): SimulatorStats {
    const { requests, byStatus, byPath, log } = this.counters;
    return {
      requests,
      byStatus: { ...byStatus },
      byPath: { ...byPath },
      log: log.map((e) => ({ ...e, query: { ...e.query } })),
      churnUpdates: this.churnUpdatesBefore + (this.churn?.updates ?? 0),
      waits: this.waits.stats(),
    };
  }

  setFaults(rules: FaultRule[]): void {
    this.faults.set(rules);
  }

  setOptions(patch: MutableOptions): void {
    if (patch.apiKeys !== undefined) this.apiKeys = new Set(patch.apiKeys);
    if (patch.forbidden !== undefined) this.forbidden = new Set(patch.forbidden);
    if (patch.forbiddenByKey !== undefined) this.forbiddenByKey = forbiddenMap(patch.forbiddenByKey);
    if (patch.latencyMs !== undefined) this.latencyMs = patch.latencyMs;
    if (patch.dateSkewMs !== undefined) this.dateSkewMs = checkSkew(patch.dateSkewMs);
    if (patch.extraFields !== undefined) this.extraFields = patch.extraFields;
    if (patch.bigIds !== undefined) this.bigIds = patch.bigIds;
    if (patch.rateLimit !== undefined) this.limiter.configure(patch.rateLimit);
    if (patch.drift !== undefined) this.setDrift(patch.drift);
    if (patch.churn !== undefined) this.setChurn(patch.churn);
  }

  update(resource: Resource, ids: string[]): void {
    const store = this.stores[resource];
    if (!store.incremental) throw new Error(`${resource} records have no updated_at and cannot be updated`);
    const indices = ids.map((id) => {
      const index = indexOfId(resource, id);
      if (index === null || index >= store.count) throw new Error(`unknown ${resource} id: ${id}`);
      return index;
    });
    store.move(indices, nowMicros());
  }

  records(resource: Resource): Generator<Record<string, unknown>> {
    return this.stores[resource].all();
  }

  close(): Promise<void> {
    this.closed = true;
    this.churn?.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- request handling ---------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) if (name !== 'api_key' && !(name in query)) query[name] = value;
    const arrival = this.waits.arrival(req.socket, Date.now());
    const ex: Exchange = { req, res, method: req.method ?? 'GET', path: url.pathname, query, key: null, arrival };
    try {
      if (this.latencyMs > 0) await this.sleep(this.latencyMs);
      await this.route(ex, url.searchParams);
    } catch (err) {
      if (!res.headersSent && !this.closed) this.send(ex, 500, {}, errorBody(500, 'simulator error'));
      else res.destroy();
      process.stderr.write(`simulator: ${(err as Error).stack ?? String(err)}\n`);
    }
  }

  private async route(ex: Exchange, search: URLSearchParams): Promise<void> {
    const match = PATH.exec(ex.path);
    if (ex.method !== 'GET' || !match || !isResource(match[1])) {
      return this.send(ex, 404, {}, errorBody(404, `no such endpoint: ${ex.method} ${ex.path}`));
    }
    const resource = match[1];
    const key = search.get('api_key');
    if (!key || !this.apiKeys.has(key)) {
      return this.send(ex, 401, {}, errorBody(401, key ? 'the api_key is not valid' : 'the api_key query parameter is required'));
    }
    ex.key = key;
    this.waits.check(key, ex.arrival, ex.path, ex.query);
    if (this.forbidden.has(resource) || this.forbiddenByKey.get(key)?.has(resource)) {
      return this.send(ex, 403, {}, errorBody(403, `this key is not entitled to ${resource}`));
    }
    const store = this.stores[resource];
    const parsed = parseListParams(search, store.incremental);
    if (!parsed.ok) return this.send(ex, 400, {}, errorBody(400, parsed.message));

    if (!this.limiter.take(key, Date.now())) {
      const retryAfter = String(this.limiter.retryAfterSeconds(key, Date.now()));
      return this.send(ex, 429, { 'Retry-After': retryAfter }, errorBody(429, 'rate limit exceeded'));
    }

    const fault = this.faults.next(ex.path);
    if (fault) return this.answerWithFault(ex, fault, resource, parsed.params);
    this.serveList(ex, resource, parsed.params, {});
  }

  private serveList(ex: Exchange, resource: Resource, params: ListParams, headers: Record<string, string>): void {
    const page = this.page(resource, params);
    this.send(ex, 200, headers, jsonBody(page));
    this.afterServed(resource, params);
  }

  private page(resource: Resource, params: ListParams): Page {
    const { total, data } = this.stores[resource].page(params.filter, params.offset, params.limit);
    return { total, offset: params.offset, limit: params.limit, data };
  }

  private async answerWithFault(ex: Exchange, rule: FaultRule, resource: Resource, params: ListParams): Promise<void> {
    if (rule.hangMs) await this.sleep(rule.hangMs);
    const status = faultStatus(rule);
    const headers: Record<string, string> = {};
    const retryAfter = retryAfterHeader(rule, status, this.apiNow());
    if (retryAfter !== undefined) headers['Retry-After'] = retryAfter;

    const normal = status === 200 && (rule.body === undefined || rule.body === 'json');
    if (normal && !rule.drop) return this.serveList(ex, resource, params, headers);

    let body: Body;
    if (status === 200) {
      const store = this.stores[resource];
      const fallback = store.count > 0 ? (store.all().next().value as Record<string, unknown>) : { name: 'orphan' };
      const timeField = store.incremental ? 'updated_at' : 'as_of';
      body = malformedPage(rule.body ?? 'json', this.page(resource, params), fallback, timeField);
    } else {
      body = faultErrorBody(status, rule.body ?? 'json');
    }
    if (rule.drop) return this.sendDropped(ex, status, headers, body, rule.drop === 'content-length' ? 'content-length' : 'chunked');
    this.send(ex, status, headers, body);
  }

  /** Drift: after every Nth served list request, records the client has already passed move to the end. */
  private afterServed(resource: Resource, params: ListParams): void {
    if (this.churn?.config.resource === resource) this.churn.served();
    const drift = this.drift;
    if (!drift || drift.resource !== resource) return;
    this.driftServed++;
    if (this.driftServed % drift.everyNthRequest !== 0 || params.offset === 0) return;
    const count = Math.min(drift.moves, params.offset);
    const positions = new Set<number>();
    for (let k = 0; k < count; k++) positions.add(Math.floor(((k + 0.5) * params.offset) / count));
    const store = this.stores[resource];
    const entries = store.at(params.filter, [...positions]);
    store.move(
      entries.map((e) => e.index),
      nowMicros(),
    );
  }

  private setChurn(churn: ChurnConfig | null): void {
    if (this.churn) {
      this.churnUpdatesBefore += this.churn.updates;
      this.churn.stop();
    }
    this.churn = churn ? new Churn({ ...churn }, this.stores[churn.resource], this.ctx.seed) : null;
  }

  private setDrift(drift: DriftConfig | null): void {
    if (drift) {
      if (!this.stores[drift.resource]?.incremental) throw new Error(`drift needs an incremental resource, not ${drift.resource}`);
      if (!(Number.isInteger(drift.everyNthRequest) && drift.everyNthRequest >= 1)) throw new Error('drift.everyNthRequest must be >= 1');
      if (!(Number.isInteger(drift.moves) && drift.moves >= 0)) throw new Error('drift.moves must be >= 0');
    }
    this.drift = drift ? { ...drift } : null;
    this.driftServed = 0;
  }

  // ---- writing ------------------------------------------------------------------------

  private headersFor(ex: Exchange, extra: Record<string, string>, body: Body, length: number): Record<string, string> {
    const headers: Record<string, string> = {
      Date: new Date(this.apiNow()).toUTCString(),
      ...rateLimitHeaders(this.limiter.state(ex.key, Date.now())),
      ...extra,
    };
    if (body.contentType) headers['Content-Type'] = body.contentType;
    headers['Content-Length'] = String(length);
    return headers;
  }

  private send(ex: Exchange, status: number, extra: Record<string, string>, body: Body): void {
    if (this.closed || ex.res.destroyed) return;
    const bytes = Buffer.from(body.text, 'utf8');
    ex.res.writeHead(status, this.headersFor(ex, extra, body, bytes.length));
    ex.res.end(bytes);
    this.record(ex, status, extra);
  }

  /**
   * Headers and half the body, then the connection is destroyed mid-response. By default the body
   * is sent chunked (no Content-Length), so the terminating chunk never comes; with
   * `drop: 'content-length'` the headers announce the whole body and fewer bytes arrive. node-fetch 2
   * reports the first as "Premature close" but waits until its timeout on the second.
   */
  private sendDropped(ex: Exchange, status: number, extra: Record<string, string>, body: Body, mode: 'chunked' | 'content-length'): void {
    if (this.closed || ex.res.destroyed) return;
    const bytes = Buffer.from(body.text || '{"total":0,"offset":0,"limit":100,"data":[]}', 'utf8');
    const socket = ex.req.socket;
    const headers = this.headersFor(ex, extra, body, bytes.length);
    if (mode === 'chunked') delete headers['Content-Length'];
    ex.res.writeHead(status, headers);
    ex.res.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))), () => socket.destroy());
    this.record(ex, status, extra);
  }

  /** The API's clock: the real one plus `dateSkewMs` (it stamps Date and HTTP-date Retry-After). */
  private apiNow(): number {
    return Date.now() + this.dateSkewMs;
  }

  private record(ex: Exchange, status: number, headers: Record<string, string>): void {
    this.waits.answered(ex.req.socket, ex.key, ex.path, status, headers['Retry-After'], Date.now());
    const c = this.counters;
    c.requests++;
    c.byStatus[status] = (c.byStatus[status] ?? 0) + 1;
    c.byPath[ex.path] = (c.byPath[ex.path] ?? 0) + 1;
    c.log.push({ method: ex.method, path: ex.path, query: ex.query, status, at: Date.now() } satisfies RequestLogEntry);
    if (c.log.length > LOG_CAP) c.log.splice(0, c.log.length - LOG_CAP);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

function checkSkew(ms: number): number {
  if (!Number.isFinite(ms)) throw new Error('dateSkewMs must be a finite number of milliseconds');
  return ms;
}

/** Starts a simulator listening on 127.0.0.1 (by default on a port the OS chooses). */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const simulator = new SimulatorServer(opts);
  await simulator.listen();
  return simulator;
}
